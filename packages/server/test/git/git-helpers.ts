// Test helpers for process-level git tests: run the built `quire` binary and
// the machine's git against a throwaway data directory.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const quireBin = path.join(serverRoot, "dist", "bin", "quire.js");

/** A git environment isolated from the user's config. */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Quire Test",
    GIT_AUTHOR_EMAIL: "test@example.invalid",
    GIT_COMMITTER_NAME: "Quire Test",
    GIT_COMMITTER_EMAIL: "test@example.invalid",
    GIT_TERMINAL_PROMPT: "0",
    ...extra,
  };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `quire --data-dir DATA args…` synchronously. */
export function quire(dataDir: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Result {
  const r = spawnSync(process.execPath, [quireBin, "--data-dir", dataDir, ...args], {
    input: options.input ?? "",
    env: gitEnv(options.env),
    cwd: options.cwd,
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run git and return stdout; throws with stderr on failure. */
export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync("git", args, { cwd, env: gitEnv(env), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Run git without throwing: status, stdout and stderr. */
export function gitResult(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Result {
  const r = spawnSync("git", args, { cwd, env: gitEnv(env), encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run git asynchronously (so an in-process server can answer its hook). */
export function gitAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn("git", args, { cwd, env: gitEnv(env) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Write files (path → content) into a work tree and commit them; returns the new sha. */
export async function commitFiles(work: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, rel)), { recursive: true });
    await writeFile(path.join(work, rel), content);
  }
  git(work, ["add", "-A"]);
  git(work, ["commit", "-q", "-m", message]);
  return git(work, ["rev-parse", "HEAD"]).trim();
}

/** A fresh work tree with `origin` pointing at `remote`, on branch main. */
export async function workTree(remote: string): Promise<string> {
  const work = await tempDir("quire-work-");
  git(work, ["init", "-q", "-b", "main"]);
  git(work, ["remote", "add", "origin", remote]);
  return work;
}
