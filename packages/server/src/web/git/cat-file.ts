// One long-lived `git cat-file --batch-command` process per repository: object
// reads are pipelined over its stdin and answered in order on its stdout, so a
// page costs round trips on a pipe, not process starts. Parsing of the object
// bodies lives in objects.ts.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { startPiped } from "./pipe-process.js";

/** An object's header as cat-file reports it. */
export interface ObjectInfo {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  size: number;
}

/** A whole object: header and bytes. */
export interface GitObject extends ObjectInfo {
  data: Buffer;
}

interface Pending {
  contents: boolean;
  resolve(value: GitObject | ObjectInfo | null): void;
  reject(error: Error): void;
}

/** Object names cat-file is handed: full hex ids only, never rev expressions from a request. */
const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The cat-file process of one repository. Closed after `idleMs` without requests; restarted on demand. */
export class CatFile {
  readonly gitDir: string;
  private readonly idleMs: number;
  private child: ChildProcessWithoutNullStreams | undefined;
  private queue: Pending[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the head request needs buffered before it can be answered (header, body, newline). */
  private needed = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(gitDir: string, options: { idleMs?: number } = {}) {
    this.gitDir = gitDir;
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** The object named by a full hex id, or null when the repository lacks it. */
  read(oid: string): Promise<GitObject | null> {
    return this.send("contents", oid) as Promise<GitObject | null>;
  }

  /** The header of the object named by a full hex id, or null when missing. */
  info(oid: string): Promise<ObjectInfo | null> {
    return this.send("info", oid) as Promise<ObjectInfo | null>;
  }

  /** Stop the process; pending reads fail. */
  close(): void {
    const child = this.child;
    this.child = undefined;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.failAll(new Error("cat-file closed"));
    if (child !== undefined) {
      child.stdin.end();
      child.kill();
    }
  }

  private send(command: "contents" | "info", oid: string): Promise<GitObject | ObjectInfo | null> {
    if (!OID.test(oid)) return Promise.reject(new Error(`cat-file takes full object ids, not ${JSON.stringify(oid)}`));
    const child = this.child ?? this.start();
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    return new Promise((resolve, reject) => {
      this.queue.push({ contents: command === "contents", resolve, reject });
      child.stdin.write(`${command} ${oid}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = startPiped(this.gitDir, ["cat-file", "--batch-command"], {
      data: (chunk) => {
        if (this.child !== child) return;
        this.chunks.push(chunk);
        this.buffered += chunk.length;
        this.drain();
      },
      gone: (error) => {
        if (this.child !== child) return;
        this.child = undefined;
        this.failAll(error);
      },
    });
    this.child = child;
    this.chunks = [];
    this.buffered = 0;
    this.needed = 0;
    return child;
  }

  /** Answer as many queued requests as the buffered output completes. */
  private drain(): void {
    for (;;) {
      const head = this.queue[0];
      if (head === undefined) break;
      // A large body arrives in many chunks: join them once, when it is all here.
      if (this.buffered < this.needed) return;
      const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      const nl = data.indexOf(10);
      if (nl < 0) {
        this.keep(data);
        return;
      }
      const header = data.subarray(0, nl).toString("utf8");
      const parts = header.split(" ");
      if (parts.length !== 3) {
        // "<oid> missing" (or "ambiguous"): no body follows.
        this.queue.shift();
        this.keep(data.subarray(nl + 1));
        head.resolve(null);
        continue;
      }
      const info: ObjectInfo = { oid: parts[0]!, type: parts[1] as ObjectInfo["type"], size: Number(parts[2]) };
      if (!head.contents) {
        this.queue.shift();
        this.keep(data.subarray(nl + 1));
        head.resolve(info);
        continue;
      }
      const end = nl + 1 + info.size;
      if (data.length < end + 1) {
        this.keep(data);
        this.needed = end + 1;
        return;
      }
      this.needed = 0;
      this.queue.shift();
      // Copy out the body so the stream's larger buffer can be freed.
      const body = Buffer.from(data.subarray(nl + 1, end));
      this.keep(data.subarray(end + 1));
      head.resolve({ ...info, data: body });
    }
    if (this.queue.length === 0) this.armIdle();
  }

  private keep(rest: Buffer): void {
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
  }

  private armIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.queue.length === 0) this.close();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private failAll(error: Error): void {
    const pending = this.queue;
    this.queue = [];
    this.chunks = [];
    this.buffered = 0;
    this.needed = 0;
    for (const p of pending) p.reject(error);
  }
}
