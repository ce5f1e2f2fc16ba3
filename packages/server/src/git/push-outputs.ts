// The `:quire/push` outputs of one updated ref (SPEC §4), read from the bare
// repository right after the push: commit, branch/tag, files changed, message.
import { isZeroSha, refParts, type PushOutputs, type RefUpdate } from "@quire/shared";
import { runGit } from "./run-git.js";

function splitZ(out: string): string[] {
  return out.split("\0").filter((s) => s !== "");
}

function diffNames(gitDir: string, from: string, to: string): Promise<string[]> {
  return runGit(["diff", "--name-only", "-z", "--no-renames", from, to, "--"], { gitDir }).then(splitZ);
}

/** The paths the tip commit itself changed (against its first parent, or its whole tree for a root commit). */
async function tipChanges(gitDir: string, commit: string, parents: string[]): Promise<string[]> {
  if (parents.length > 0) return diffNames(gitDir, parents[0]!, commit);
  return splitZ(await runGit(["ls-tree", "-r", "--name-only", "-z", commit], { gitDir }));
}

/** Compute the push outputs for `update` in the bare repository `gitDir`. */
export async function computePushOutputs(
  gitDir: string,
  update: RefUpdate,
  context: { repo: string; pusher?: string | undefined; pushedAtMs?: number },
): Promise<PushOutputs> {
  const tip = `${update.new_sha}^{commit}`;
  const previous = isZeroSha(update.old_sha) ? null : update.old_sha;
  // old..new needs nothing from the log, so both go to git at once. The old
  // object may be gone or not a commit (a tag that pointed at a blob): then
  // fall back to what the tip commit changed.
  const [out, sincePrevious] = await Promise.all([
    // One git call for the commit, its parents and its message (`^{commit}` peels a tag).
    runGit(["log", "-1", "--format=%H%x00%P%x00%B", "--end-of-options", tip], { gitDir }),
    previous === null ? Promise.resolve(null) : diffNames(gitDir, previous, tip).catch(() => null),
  ]);
  const [commit = "", parentList = "", message = ""] = out.split("\0");
  const parents = parentList.split(" ").filter((p) => p !== "");
  return {
    sha: commit,
    ref: update.ref,
    ...refParts(update.ref),
    previous_sha: previous,
    files_changed: sincePrevious ?? (await tipChanges(gitDir, commit, parents)),
    pusher: context.pusher ?? null,
    commit_message: message.replace(/\n+$/, ""),
    repo: context.repo,
    ...(context.pushedAtMs === undefined ? {} : { pushed_at_ms: context.pushedAtMs }),
  };
}

/** The file that makes a pushed tree a pipeline (SPEC §4). */
export const PIPELINE_FILE = ".quire/ci.fnl";

/** Does `sha` name a commit (or a tag of one) in the repository at `gitDir`? */
export async function commitExists(gitDir: string, sha: string): Promise<boolean> {
  try {
    await runGit(["cat-file", "-e", "--end-of-options", `${sha}^{commit}`], { gitDir });
    return true;
  } catch {
    return false;
  }
}

/** Does the tree of `commit` hold a pipeline file? */
export async function hasPipeline(gitDir: string, commit: string): Promise<boolean> {
  try {
    const type = await runGit(["cat-file", "-t", "--end-of-options", `${commit}:${PIPELINE_FILE}`], { gitDir });
    return type.trim() === "blob";
  } catch {
    return false;
  }
}
