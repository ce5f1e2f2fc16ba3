// Which refs of a push go to which mirror target: the repo's own :mirrors
// (read at each ref's pushed sha), else the global default with {repo}
// filled in; each target's ref filter applies, and deletions only where the
// target opts in.
import { isZeroSha, type RefUpdate } from "@quire/shared";
import { expandMirrorUrl, refSelected, type MirrorTarget } from "../config/mirrors.js";
import { loadRepoConfig } from "../config/repo-config.js";

/** A target with its URL filled in, and the refs of this push it takes. */
export interface MirrorPlan {
  target: MirrorTarget;
  refs: string[];
}

export interface PlanResult {
  plans: MirrorPlan[];
  /** Config files that could not be used (each stops the refs read from it), and warnings. */
  problems: string[];
  warnings: string[];
}

/** The targets of `repo` as of `sha` (null: a deleted ref): its config's :mirrors, else the global default. */
export async function mirrorTargetsAt(gitDir: string, repo: string, sha: string | null, globalMirrors: MirrorTarget[]): Promise<{ targets: MirrorTarget[]; warnings: string[] }> {
  const loaded = await loadRepoConfig(gitDir, repo, sha);
  const declared = loaded.config.mirrors ?? globalMirrors;
  return { targets: declared.map((t) => ({ ...t, url: expandMirrorUrl(t.url, repo) })), warnings: loaded.warnings };
}

/** Group the refs of one push by target. Never throws for a bad config: it becomes a problem. */
export async function planMirrors(gitDir: string, repo: string, refs: RefUpdate[], globalMirrors: MirrorTarget[]): Promise<PlanResult> {
  const byUrl = new Map<string, MirrorPlan>();
  const problems = new Set<string>();
  const warnings = new Set<string>();
  for (const update of refs) {
    const deleted = isZeroSha(update.new_sha);
    let targets: MirrorTarget[];
    try {
      const at = await mirrorTargetsAt(gitDir, repo, deleted ? null : update.new_sha, globalMirrors);
      targets = at.targets;
      for (const w of at.warnings) warnings.add(w);
    } catch (e) {
      problems.add(e instanceof Error ? e.message : String(e));
      continue;
    }
    for (const target of targets) {
      if (!refSelected(target, update.ref) || (deleted && !target.deletions)) continue;
      const plan = byUrl.get(target.url) ?? { target, refs: [] };
      plan.target = target; // the last ref's config wins when two disagree
      if (!plan.refs.includes(update.ref)) plan.refs.push(update.ref);
      byUrl.set(target.url, plan);
    }
  }
  return { plans: [...byUrl.values()], problems: [...problems], warnings: [...warnings] };
}
