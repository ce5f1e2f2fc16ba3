// Every git process the web view starts besides cat-file (log, blame, diff,
// archive, upload-pack) goes through here: argv only, a time budget, an
// output cap, and a concurrency limit for the expensive ones, so a crawler
// cannot make one request start unbounded work. The processes are started
// by the spawn helper (git/spawn-helper.ts), not forked from the server.
import type { Readable, Writable } from "node:stream";
import { spawnHelper, type HelperChild } from "../../git/spawn-helper.js";

export interface GitRunOptions {
  /** Stop after this long; the output so far is returned with `timedOut`. */
  timeoutMs?: number;
  /** Keep at most this many bytes of stdout; the process is stopped beyond it. */
  maxBytes?: number;
  /** Written to stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Count against the expensive-work limit (blame, line history, follow, archive). */
  heavy?: boolean;
  env?: NodeJS.ProcessEnv;
  /** streamGit only: leave stdin open for the caller to write (upload-pack's request body). */
  keepStdin?: boolean;
}

export interface GitRunResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  truncated: boolean;
}

/** Too much expensive work is already running; the request may be retried. */
export class GitBusyError extends Error {
  constructor() {
    super("the server is busy with other expensive pages; try again in a moment");
    this.name = "GitBusyError";
  }
}

/** A counting semaphore with a bounded wait list. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    readonly max: number,
    readonly maxWaiting: number,
  ) {}

  async acquire(): Promise<() => void> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxWaiting) throw new GitBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    };
  }
}

/** At most this many heavy git processes at once, server-wide; a few more may wait. */
export const heavyLimiter = new Limiter(2, 8);

function gitEnv(gitDir: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Requests never read the operator's or the system's git config: pages must not change with it.
  return { ...process.env, GIT_DIR: gitDir, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", ...extra };
}

/** A time budget on a process: kills it when spent; `spent()` tells whether it did. */
function budget(child: HelperChild, timeoutMs: number | undefined): { spent(): boolean; clear(): void } {
  let spent = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          spent = true;
          child.kill("SIGKILL");
        }, timeoutMs);
  return { spent: () => spent, clear: () => clearTimeout(timer) };
}

function startGit(gitDir: string, args: string[], env?: NodeJS.ProcessEnv): HelperChild {
  return spawnHelper.spawn("git", args, { cwd: gitDir, env: gitEnv(gitDir, env) });
}

/** Run `git args…` in `gitDir` to completion (or budget) and collect its output. */
export async function runGitBounded(gitDir: string, args: string[], options: GitRunOptions = {}): Promise<GitRunResult> {
  const release = options.heavy ? await heavyLimiter.acquire() : () => {};
  try {
    return await new Promise<GitRunResult>((resolve, reject) => {
      const child = startGit(gitDir, args, options.env);
      const chunks: Buffer[] = [];
      let size = 0;
      let stderr = "";
      let truncated = false;
      const max = options.maxBytes ?? 64 * 1024 * 1024;
      const timer = budget(child, options.timeoutMs);
      child.stdout.on("data", (chunk: Buffer) => {
        if (truncated) return;
        if (size + chunk.length > max) {
          chunks.push(chunk.subarray(0, max - size));
          size = max;
          truncated = true;
          child.kill("SIGKILL");
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-8000);
      });
      child.on("error", (e) => {
        timer.clear();
        reject(e);
      });
      child.on("close", (code) => {
        timer.clear();
        resolve({ stdout: Buffer.concat(chunks, size), stderr, exitCode: code, timedOut: timer.spent(), truncated });
      });
      child.stdin.on("error", () => {});
      child.stdin.end(options.stdin ?? "");
    });
  } finally {
    release();
  }
}

/** A running git process whose stdout is streamed to the client (archives, upload-pack). */
export interface GitStream {
  stdout: Readable;
  /** Open only with `keepStdin`. */
  stdin: Writable;
  /** Resolves with the exit code and the tail of stderr once the process ends (`timedOut` when the budget stopped it). */
  done: Promise<{ exitCode: number | null; stderr: string; timedOut: boolean }>;
  kill(): void;
}

/** Start `git args…` for streaming; `heavy` work waits for (or is refused) a slot. */
export async function streamGit(gitDir: string, args: string[], options: GitRunOptions = {}): Promise<GitStream> {
  const release = options.heavy ? await heavyLimiter.acquire() : () => {};
  const child = startGit(gitDir, args, options.env);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const timer = budget(child, options.timeoutMs);
  const done = new Promise<{ exitCode: number | null; stderr: string; timedOut: boolean }>((resolve) => {
    child.on("error", () => resolve({ exitCode: null, stderr: stderr || "git could not be started", timedOut: timer.spent() }));
    child.on("close", (code) => resolve({ exitCode: code, stderr, timedOut: timer.spent() }));
  }).finally(() => {
    timer.clear();
    release();
  });
  child.stdin.on("error", () => {});
  if (!options.keepStdin) child.stdin.end(options.stdin ?? "");
  return { stdout: child.stdout, stdin: child.stdin, done, kill: () => child.kill("SIGKILL") };
}
