// A forge for the CI pages' tests: a real `quire serve` child on a throwaway
// data directory that believes Remote-User from loopback, repositories made
// with `quire repo new`, real pushes (git → hook → socket → queue → the real
// quire-ci), requests as anonymous or as a signed-in reader, and a small
// Server-Sent Events reader.
import http from "node:http";
import { afterAll, beforeAll } from "vitest";
import { rm } from "node:fs/promises";
import path from "node:path";
import { commitFiles, gitAsync, quire, tempDir, workTree } from "../git/git-helpers.js";
import { queuedRuns, RunWatcher, startServe, type Serve } from "../e2e/harness.js";
import { request, type WebResponse } from "./harness.js";

export interface Forge {
  data: string;
  serve: Serve;
  runs: RunWatcher;
  base: string;
  /** A new repository (with `.quire/config.fnl` when given) and a work tree on branch main. */
  repo(name: string, repoConfig?: string): Promise<string>;
  /** Commit `files` in `work` and push `ref` (default main) as `pusher` (the hook's QUIRE_PUSHER); returns the run id the push printed and the push's stderr. */
  push(work: string, files: Record<string, string>, options?: { ref?: string; message?: string; pusher?: string }): Promise<{ id: string; stderr: string; url: string }>;
  /** GET as anonymous, or as `user` (sent as Remote-User, believed from loopback). */
  get(urlPath: string, user?: string, headers?: Record<string, string>): Promise<WebResponse>;
  close(): Promise<void>;
}

export async function startForge(config = ""): Promise<Forge> {
  const data = await tempDir("quire-runs-web-");
  const serve = await startServe(data, `{:trusted-proxies ["127.0.0.1"] ${config}}\n`);
  const runs = new RunWatcher(data);
  const works: string[] = [];
  return {
    data,
    serve,
    runs,
    base: serve.url,
    async repo(name, repoConfig) {
      const r = quire(data, ["repo", "new", name]);
      if (r.status !== 0) throw new Error(r.stderr);
      const work = await workTree(path.join(data, "repos", `${name}.git`));
      works.push(work);
      if (repoConfig !== undefined) await commitFiles(work, { ".quire/config.fnl": repoConfig }, "repo config");
      return work;
    },
    async push(work, files, options = {}) {
      const ref = options.ref ?? "main";
      await commitFiles(work, files, options.message ?? "change");
      const r = await gitAsync(work, ["push", "-q", "origin", `HEAD:refs/heads/${ref}`], options.pusher === undefined ? {} : { QUIRE_PUSHER: options.pusher });
      if (r.status !== 0) throw new Error(r.stderr);
      const id = queuedRuns(r.stderr).get(`refs/heads/${ref}`);
      if (id === undefined) throw new Error(`the push printed no run:\n${r.stderr}`);
      const url = new RegExp(`run ${id} queued for \\S+: (\\S+)`).exec(r.stderr)![1]!;
      return { id, stderr: r.stderr, url };
    },
    get: (urlPath, user, headers = {}) => request(serve.url, urlPath, { headers: { ...(user === undefined ? {} : { "Remote-User": user }), ...headers } }),
    async close() {
      runs.close();
      await serve.stop();
      for (const w of works) await rm(w, { recursive: true, force: true });
      await rm(data, { recursive: true, force: true });
    },
  };
}

/** The file's forge, started before its tests with one repository "app" (a work tree on main), closed after them. */
export function useForge(config = ""): { forge: Forge; work: string } {
  const ctx = {} as { forge: Forge; work: string };
  beforeAll(async () => {
    ctx.forge = await startForge(config);
    ctx.work = await ctx.forge.repo("app");
  }, 60_000);
  afterAll(async () => {
    await ctx.forge?.close();
  });
  return ctx;
}

export interface SseEvent {
  event: string;
  id: string | undefined;
  data: unknown;
}

/** A Server-Sent Events client over one HTTP request: collects events, waits for one. */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  ended = false;
  private req: http.ClientRequest | undefined;
  private waiters: (() => void)[] = [];

  static open(base: string, urlPath: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = new SseReader();
    const u = new URL(base);
    return new Promise((resolve, reject) => {
      reader.req = http.get({ host: u.hostname, port: u.port, path: urlPath, headers: { Accept: "text/event-stream", ...headers } }, (res) => {
        reader.status = res.statusCode ?? 0;
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            reader.take(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        const done = () => {
          reader.ended = true;
          reader.wake();
        };
        res.on("end", done);
        res.on("close", done);
        resolve(reader);
      });
      reader.req.on("error", (e) => (reader.status === 0 ? reject(e) : ((reader.ended = true), reader.wake())));
    });
  }

  private take(block: string): void {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const [field, ...rest] = line.split(":");
      const value = rest.join(":").replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "id") id = value;
      else if (field === "data") data.push(value);
    }
    if (data.length === 0) return;
    this.events.push({ event, id, data: JSON.parse(data.join("\n")) as unknown });
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Wait until `check` holds over the events so far (or the stream ended). */
  async until(check: (events: SseEvent[]) => boolean, timeoutMs = 30_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.events)) {
      if (this.ended) throw new Error(`the stream ended first; events: ${this.events.map((e) => e.event).join(" ")}`);
      if (Date.now() > deadline) throw new Error(`no such event within ${timeoutMs} ms; events: ${this.events.map((e) => e.event).join(" ")}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.events;
  }

  /** Wait for the server to end the stream. */
  async end(timeoutMs = 30_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error(`the stream did not end within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.events;
  }

  close(): void {
    this.req?.destroy();
    this.ended = true;
  }
}

/** The log lines `events` carried for log `anchor`, as [line number, text]. */
export function linesOf(events: SseEvent[], anchor: string): [number, string][] {
  const out: [number, string][] = [];
  for (const e of events) {
    if (e.event !== "log") continue;
    const d = e.data as { log: string; from: number; rows: string[] };
    if (d.log !== anchor) continue;
    d.rows.forEach((row, i) => out.push([d.from + i, srcText(row)]));
  }
  return out;
}

/** The text of a log row's source cell (tags stripped, entities of the escaper undone). */
export function srcText(row: string): string {
  const m = /<td class="src">(.*)<\/td><\/tr>$/s.exec(row);
  return (m?.[1] ?? "").replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}
