// Workspace materialization: the tree of one commit, written into a fresh
// directory with `git archive | tar -x` (no .git, no history). The run queue
// calls this from its prepare step before it spawns quire-ci.
import { spawn } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import { GitCommandError } from "./errors.js";

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (d: string) => {
    if (text.length < 8192) text += d;
  });
  return () => text;
}

/**
 * Write the tree of `rev` (a commit or tag) from the bare repository `gitDir`
 * into `dest`, which must be absent or empty; with `paths`, only those.
 * Rejects with GitCommandError.
 */
export async function materializeWorkspace(gitDir: string, rev: string, dest: string, paths: string[] = []): Promise<void> {
  await mkdir(dest, { recursive: true });
  if ((await readdir(dest)).length > 0) throw new Error(`workspace ${dest} is not empty; refusing to write into it`);
  const archiveArgs = ["archive", "--format=tar", `${rev}^{tree}`, ...(paths.length > 0 ? ["--", ...paths] : [])];
  const archive = spawn("git", archiveArgs, {
    env: { ...process.env, GIT_DIR: gitDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tar = spawn("tar", ["-x", "-f", "-", "-C", dest], { stdio: ["pipe", "ignore", "pipe"] });
  const archiveErr = collect(archive.stderr);
  const tarErr = collect(tar.stderr);
  archive.stdout.pipe(tar.stdin);
  // tar may exit early (e.g. bad archive); its closed stdin must not crash us.
  tar.stdin.on("error", () => {});
  const exit = (child: ReturnType<typeof spawn>) =>
    new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve(code));
    });
  const [archiveCode, tarCode] = await Promise.all([exit(archive), exit(tar)]);
  if (archiveCode !== 0) throw new GitCommandError(archiveArgs, archiveCode, archiveErr());
  if (tarCode !== 0) throw new Error(`tar could not extract ${rev} into ${dest} (exit ${tarCode}): ${tarErr().trim()}`);
}
