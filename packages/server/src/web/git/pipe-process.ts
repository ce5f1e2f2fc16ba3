// Starting a long-lived git process that takes requests on stdin and answers
// on stdout (cat-file.ts, diff-tree.ts): the output goes to `data`, and the
// first sign of its end (exit, spawn error, closed input) to `gone`, once,
// with the tail of its stderr.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface PipeHandlers {
  data(chunk: Buffer): void;
  /** The process ended or could not start; called once. */
  gone(error: Error): void;
}

/** Start `git args…` in `gitDir` with piped stdio, the request-facing configuration left out. */
export function startPiped(gitDir: string, args: string[], handlers: PipeHandlers): ChildProcessWithoutNullStreams {
  const child = spawn("git", args, {
    cwd: gitDir,
    env: { ...process.env, GIT_DIR: gitDir, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => handlers.data(chunk));
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  let ended = false;
  const gone = (why: string) => {
    if (ended) return;
    ended = true;
    handlers.gone(new Error(`git ${args[0]} in ${gitDir} ${why}${stderr ? `: ${stderr.trim()}` : ""}`));
  };
  child.on("error", (e) => gone(`could not run: ${e.message}`));
  child.on("exit", (code, signal) => gone(`exited (${signal ?? code})`));
  child.stdin.on("error", () => gone("closed its input"));
  return child;
}
