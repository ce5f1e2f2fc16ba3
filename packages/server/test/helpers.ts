// Shared setup for server process-level tests: temp data directories, real
// database files, push outputs, the stand-in executor, polling.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PushOutputs } from "@quire/shared";
import { openDatabase, type Db } from "../src/db/open.js";
import type { ExecutorCommand } from "../src/runs/spawn.js";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

export function tempDir(prefix = "quire-server-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDb(): Db & { dir: string; cleanup(): void } {
  const t = tempDir();
  const db = openDatabase(path.join(t.dir, "quire.db"));
  return Object.assign(db, {
    dir: t.dir,
    cleanup: () => {
      db.close();
      t.cleanup();
    },
  });
}

let shaCounter = 0;
export function nextSha(): string {
  shaCounter++;
  return shaCounter.toString(16).padStart(40, "a");
}

export function pushOutputs(repo: string, ref: string, sha: string): PushOutputs {
  return {
    sha,
    ref,
    branch: ref.startsWith("refs/heads/") ? ref.slice(11) : null,
    tag: ref.startsWith("refs/tags/") ? ref.slice(10) : null,
    previous_sha: null,
    files_changed: ["README.md"],
    pusher: "operator",
    commit_message: "a change",
    repo,
  };
}

export function runInput(repo = "demo", ref = "refs/heads/main", sha = nextSha()) {
  return { repo, ref, sha, push: pushOutputs(repo, ref, sha) };
}

/** The stand-in quire-ci running `scenario` (see fixtures/executor.mjs). */
export function standIn(scenario: string): ExecutorCommand {
  return { command: process.execPath, args: [path.join(FIXTURES, "executor.mjs"), scenario] };
}

export async function waitFor<T>(fn: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True once `kill(-pgid, 0)` reports ESRCH: not even a zombie is left. */
export function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Live (non-zombie) processes whose command line starts with `marker`, by host pid. */
export function processesMatching(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ");
      if (!cmdline.startsWith(marker)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      if (state !== "Z" && state !== "X") found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Host pids of the children of `pid` (from /proc). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A loopback port nothing listens on (taken, then released): for a peer that is down, or one a test starts itself. */
export async function deadPort(): Promise<number> {
  const net = await import("node:net");
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as import("node:net").AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** An app served over real HTTP on 127.0.0.1 (a free port). */
export async function serveOnLoopback(fetchFn: (req: Request) => Response | Promise<Response>): Promise<{ base: string; close(): Promise<void> }> {
  const { createAdaptorServer } = await import("@hono/node-server");
  const server = createAdaptorServer({ fetch: fetchFn }) as import("node:http").Server;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as import("node:net").AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
