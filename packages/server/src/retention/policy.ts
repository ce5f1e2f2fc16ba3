// The retention rule (SPEC §7) as a pure function: of each (repo, ref)'s
// finished runs, the newest `keepRunsPerRef` stay unless older than
// `keepDays`; the newest finished run of a ref always stays, and pending or
// active runs are never touched.
import { isTerminalRunState, type RunState } from "@quire/shared";
import type { RetentionPolicy } from "../config/retention.js";

export interface RetentionCandidate {
  id: string;
  repo: string;
  ref: string;
  state: RunState;
  queuedAtMs: number;
  finishedAtMs: number | null;
}

export interface PruneDecision {
  run: RetentionCandidate;
  /** Why it goes, for `quire ci prune`. */
  reason: string;
}

const DAY_MS = 86_400_000;

/**
 * The runs to prune among `runs` (any order; ties in queued time keep the
 * given order, later = newer) at `nowMs`, each repo under `policyOf(repo)`.
 */
export function runsToPrune(runs: RetentionCandidate[], policyOf: (repo: string) => RetentionPolicy, nowMs: number): PruneDecision[] {
  const byRef = new Map<string, { run: RetentionCandidate; order: number }[]>();
  runs.forEach((run, order) => {
    if (!isTerminalRunState(run.state)) return;
    const key = `${run.repo}\0${run.ref}`;
    let list = byRef.get(key);
    if (list === undefined) byRef.set(key, (list = []));
    list.push({ run, order });
  });
  const out: PruneDecision[] = [];
  for (const list of byRef.values()) {
    list.sort((a, b) => b.run.queuedAtMs - a.run.queuedAtMs || b.order - a.order);
    const policy = policyOf(list[0]!.run.repo);
    const cutoff = nowMs - policy.keepDays * DAY_MS;
    // Index 0, the newest finished run of the ref, always stays.
    for (let i = 1; i < list.length; i++) {
      const run = list[i]!.run;
      const finished = run.finishedAtMs ?? run.queuedAtMs;
      if (i >= policy.keepRunsPerRef) out.push({ run, reason: `older than the newest ${policy.keepRunsPerRef} finished runs of ${run.ref}` });
      else if (finished < cutoff) out.push({ run, reason: `finished ${Math.floor((nowMs - finished) / DAY_MS)} days ago (keep-days ${policy.keepDays})` });
    }
  }
  return out;
}
