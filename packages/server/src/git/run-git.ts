// Runs the machine's `git` as a subprocess (argv, never a shell) and returns
// its output; a non-zero exit becomes a GitCommandError carrying stderr.
import { execFile } from "node:child_process";
import { GitCommandError } from "./errors.js";

export interface RunGitOptions {
  /** Directory to run in; for a bare repository pass it as `gitDir` instead. */
  cwd?: string;
  /** Sets GIT_DIR so the command works on a bare repository. */
  gitDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** Run `git args…` and resolve to its stdout. */
export function runGit(args: string[], options: RunGitOptions = {}): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  if (options.gitDir !== undefined) env.GIT_DIR = options.gitDir;
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { cwd: options.cwd ?? options.gitDir, env, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === "number" ? error.code : null;
          reject(new GitCommandError(args, code, stderr || error.message));
        } else resolve(stdout);
      },
    );
  });
}
