// A commit's diff for the commit page: `git diff-tree -M -C` against the first
// parent (the empty tree for a root), bounded in bytes and time; ordinary
// pages use the repository's long-lived diff-tree, a whole huge diff (heavy)
// its own process. Parsing is diff-parse.ts's job.
import type { Commit } from "./objects.js";
import type { RepoReader } from "./reader.js";
import { parseDiffTree, type FileDiff } from "./diff-parse.js";
import { DIFF_TREE_ARGS } from "./diff-tree.js";

export type { FileDiff, Hunk, PatchBlock } from "./diff-parse.js";

export interface DiffLimits {
  /** Most bytes of git output read; the rest of the patch is not shown. */
  maxBytes: number;
  timeoutMs: number;
  /** Count against the server-wide limit of expensive work (a whole huge diff). */
  heavy?: boolean;
}

export interface CommitDiff {
  files: FileDiff[];
  /** The commit the diff is against (first parent), or null for a root commit. */
  base: string | null;
  /** Why the output stops early: the byte cap or the time budget. */
  cut: "bytes" | "time" | null;
}

/** Diff `commit` against its first parent. */
export async function readCommitDiff(reader: RepoReader, commit: Commit, limits: DiffLimits): Promise<CommitDiff> {
  const base = commit.parents[0] ?? null;
  // A merge is diffed against its first parent only, named explicitly; other commits against their one parent.
  const against = commit.parents.length > 1 ? base : null;
  if (!limits.heavy) {
    const run = await reader.diffTree(commit.oid, against, limits);
    const cut = run.timedOut ? "time" : run.truncated ? "bytes" : null;
    return { files: parseDiffTree(run.stdout, cut !== null), base, cut };
  }
  const args = ["diff-tree", ...DIFF_TREE_ARGS, ...(against === null ? [commit.oid] : [against, commit.oid])];
  const run = await reader.git(args, { maxBytes: limits.maxBytes, timeoutMs: limits.timeoutMs, heavy: true });
  const cut = run.timedOut ? "time" : run.truncated ? "bytes" : null;
  if (cut === null && run.exitCode !== 0) throw new Error(`git diff-tree failed in ${reader.name}: ${run.stderr.trim()}`);
  return { files: parseDiffTree(run.stdout, cut !== null), base, cut };
}
