// End-to-end harness: a real `quire serve` child process on a throwaway data
// directory, with helpers to push and to watch runs in its SQLite file.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase, type Db } from "../../src/db/open.js";
import { getRun, listJobs, listShEvents } from "../../src/db/queries.js";
import type { RunRow } from "../../src/db/schema.js";
import { commitFiles, gitAsync, gitEnv, quire, quireBin, workTree } from "../git/git-helpers.js";

export interface Serve {
  url: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Start `quire serve --port 0` on `dataDir` (writing `configFnl` first when
 * given), with `env` added; `prefix` wraps the command (e.g. `ip netns exec NS`).
 */
export async function startServe(
  dataDir: string,
  configFnl?: string,
  env: NodeJS.ProcessEnv = {},
  options: { prefix?: string[]; bind?: string } = {},
): Promise<Serve> {
  if (configFnl !== undefined) await writeFile(path.join(dataDir, "config.fnl"), configFnl);
  const argv = [...(options.prefix ?? []), process.execPath, quireBin, "--data-dir", dataDir, "serve", "--port", "0", ...(options.bind ? ["--bind", options.bind] : [])];
  const proc = spawn(argv[0]!, argv.slice(1), {
    env: gitEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quire serve did not start within 15 s:\n${out}`)), 15_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on("data", check);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`quire serve exited ${code}:\n${out}`));
    });
  });
  return {
    url,
    proc,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}

/** The run ids a push printed (`quire: run ID queued for REF: URL`), by ref. */
export function queuedRuns(gitStderr: string): Map<string, string> {
  const runs = new Map<string, string>();
  for (const m of gitStderr.matchAll(/quire: run (\S+) queued for (\S+): (\S+)/g)) runs.set(m[2]!, m[1]!);
  return runs;
}

/** Watches runs through the database file the server writes. */
export class RunWatcher {
  readonly db: Db;
  constructor(dataDir: string) {
    this.db = openDatabase(path.join(dataDir, "quire.db"));
  }

  get(id: string): RunRow {
    const run = getRun(this.db, id);
    if (run === undefined) throw new Error(`no run ${id}`);
    return run;
  }

  /** Poll until run `id` is terminal; returns it and every state seen on the way. */
  async settle(id: string, timeoutMs = 20_000): Promise<{ run: RunRow; seen: string[] }> {
    const seen: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = this.get(id);
      if (seen[seen.length - 1] !== run.state) seen.push(run.state);
      if (["complete", "failed", "superseded"].includes(run.state)) return { run, seen };
      if (Date.now() > deadline) throw new Error(`run ${id} still ${run.state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Poll until `check` holds for run `id`. */
  async until(id: string, check: (run: RunRow) => boolean, timeoutMs = 20_000): Promise<RunRow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = getRun(this.db, id);
      if (run !== undefined && check(run)) return run;
      if (Date.now() > deadline) throw new Error(`run ${id} did not reach the expected state in ${timeoutMs} ms (${run?.state})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  jobs(id: string) {
    return listJobs(this.db, id);
  }

  sh(id: string) {
    return listShEvents(this.db, id);
  }

  close(): void {
    this.db.close();
  }
}

/** A one-job pipeline running `command` (argv) with `sh`. */
export function pipeline(jobs: string): string {
  return `(local ci (require :quire.ci))\n${jobs}\n`;
}

/** `quire repo new NAME` and a clone of it to work in. */
export async function newRepo(dataDir: string, name: string): Promise<string> {
  const r = quire(dataDir, ["repo", "new", name]);
  if (r.status !== 0) throw new Error(`quire repo new ${name} failed: ${r.stderr}`);
  return workTree(path.join(dataDir, "repos", `${name}.git`));
}

/** Commit `files` in `work`, push HEAD to `branch` (main), and return the id of the run queued for it (and git's stderr). */
export async function pushRun(work: string, files: Record<string, string>, message = "change", branch = "main"): Promise<{ id: string; stderr: string }> {
  await commitFiles(work, files, message);
  const push = await gitAsync(work, ["push", "origin", `HEAD:refs/heads/${branch}`]);
  if (push.status !== 0) throw new Error(`git push failed: ${push.stderr}`);
  const id = queuedRuns(push.stderr).get(`refs/heads/${branch}`);
  if (id === undefined) throw new Error(`no run queued:\n${push.stderr}`);
  return { id, stderr: push.stderr };
}
