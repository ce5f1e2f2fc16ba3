// Streaming a remote run's files back (docs/SCALING.md): events.jsonl,
// quire-ci.log and every jobs/<job>/*.log under the run's out directory are
// sent as they grow, in chunks, to PUT /api/run/files/PATH?offset=N. The
// server's copy is the authority: a 409 tells where it stands, and sending
// resumes from there. quire-ci.log continues the server's own copy (its
// claim said at which offset).
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { call, ServerRefused } from "./http.js";

const CHUNK = 1024 * 1024;

export class FileUploader {
  /** Bytes of each local file the server has (relative path → bytes sent). */
  private readonly sent = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly outDir: string,
    private readonly serverUrl: string,
    private readonly token: string,
    /** Where each file starts in the server's copy (quire-ci.log continues the server's log). */
    private readonly serverOffsets: Record<string, number> = {},
  ) {}

  /** Send what is new every `ms` until stop(). */
  start(ms = 500): void {
    this.timer = setInterval(() => void this.sync().catch(() => undefined), ms);
    this.timer.unref();
  }

  /** Stop the timer and send everything left (throws when the server cannot be reached). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }

  /** One pass over the files, one at a time (passes never overlap). */
  sync(): Promise<void> {
    this.busy = this.busy.catch(() => undefined).then(() => this.pass());
    return this.busy;
  }

  private files(): string[] {
    const out = ["events.jsonl", "quire-ci.log"];
    let jobs: string[] = [];
    try {
      jobs = readdirSync(path.join(this.outDir, "jobs"));
    } catch {
      return out;
    }
    for (const job of jobs) {
      try {
        for (const f of readdirSync(path.join(this.outDir, "jobs", job))) if (f.endsWith(".log")) out.push(`jobs/${job}/${f}`);
      } catch {
        // Not a directory.
      }
    }
    return out;
  }

  private async pass(): Promise<void> {
    for (const rel of this.files()) {
      const file = path.join(this.outDir, ...rel.split("/"));
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        continue;
      }
      let sent = this.sent.get(rel) ?? 0;
      while (sent < size) {
        const n = Math.min(CHUNK, size - sent);
        const bytes = Buffer.alloc(n);
        const fd = openSync(file, "r");
        try {
          readSync(fd, bytes, 0, n, sent);
        } finally {
          closeSync(fd);
        }
        const base = this.serverOffsets[rel] ?? 0;
        const url = `${this.serverUrl}/api/run/files/${rel.split("/").map(encodeURIComponent).join("/")}?offset=${base + sent}`;
        try {
          await call(url, this.token, { method: "PUT", bytes, timeoutMs: 30_000 });
          sent += n;
        } catch (e) {
          // The server holds a different amount (a resend after a lost answer, or a gap): continue from its size.
          const size409 = e instanceof ServerRefused && e.code === "offset_mismatch" ? e.details.size : undefined;
          if (typeof size409 !== "number") throw e;
          sent = Math.max(0, size409 - base);
        }
        this.sent.set(rel, sent);
      }
    }
  }
}
