// The `:quire/push` outputs of one updated ref (SPEC §4), read from the bare
// repository right after the push: commit, branch/tag, files changed, message.
import { isZeroSha, refParts, type PushOutputs, type RefUpdate } from "@quire/shared";
import { runGit } from "./run-git.js";

function splitZ(out: string): string[] {
  return out.split("\0").filter((s) => s !== "");
}

/** The paths a push changed: old..new, or the tip commit's own change for a new ref. */
async function filesChanged(gitDir: string, oldSha: string | null, commit: string, parents: string[]): Promise<string[]> {
  if (oldSha !== null) {
    try {
      return splitZ(await runGit(["diff", "--name-only", "-z", "--no-renames", oldSha, commit, "--"], { gitDir }));
    } catch {
      // The old object may be unreachable (e.g. a tag that pointed at a blob); fall back to the tip commit.
    }
  }
  if (parents.length > 0) {
    return splitZ(await runGit(["diff", "--name-only", "-z", "--no-renames", parents[0]!, commit, "--"], { gitDir }));
  }
  return splitZ(await runGit(["ls-tree", "-r", "--name-only", "-z", commit], { gitDir }));
}

/** Compute the push outputs for `update` in the bare repository `gitDir`. */
export async function computePushOutputs(
  gitDir: string,
  update: RefUpdate,
  context: { repo: string; pusher?: string | undefined },
): Promise<PushOutputs> {
  // One git call for the commit, its parents and its message (`^{commit}` peels a tag).
  const out = await runGit(["log", "-1", "--format=%H%x00%P%x00%B", "--end-of-options", `${update.new_sha}^{commit}`], { gitDir });
  const [commit = "", parentList = "", message = ""] = out.split("\0");
  const parents = parentList.split(" ").filter((p) => p !== "");
  const previous = isZeroSha(update.old_sha) ? null : update.old_sha;
  return {
    sha: commit,
    ref: update.ref,
    ...refParts(update.ref),
    previous_sha: previous,
    files_changed: await filesChanged(gitDir, previous, commit, parents),
    pusher: context.pusher ?? null,
    commit_message: message.replace(/\n+$/, ""),
    repo: context.repo,
  };
}

/** The file that makes a pushed tree a pipeline (SPEC §4). */
export const PIPELINE_FILE = ".quire/ci.fnl";

/** Does the tree of `commit` hold a pipeline file? */
export async function hasPipeline(gitDir: string, commit: string): Promise<boolean> {
  try {
    const type = await runGit(["cat-file", "-t", "--end-of-options", `${commit}:${PIPELINE_FILE}`], { gitDir });
    return type.trim() === "blob";
  } catch {
    return false;
  }
}
