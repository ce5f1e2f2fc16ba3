// Runners that went silent, restarted or forgot a claim (docs/SCALING.md).
// A runner not heard from within :runner-timeout loses every run it holds;
// an agent that starts anew loses what its previous incarnation held (nothing
// is picked up twice); a claim the agent does not report running, once the
// claim is old enough to have reached it, is lost too (its answer was lost
// on the way). What "lose" means: claims.ts.
import type { Db } from "../db/open.js";
import type { RunnerRow } from "../db/schema.js";
import { stmt } from "../db/statements.js";
import { heldRuns, loseRun, type LostRun } from "./claims.js";

/** How long a claim may go unreported by the agent before it counts as lost on the way. */
export const CLAIM_GRACE_MS = 15_000;

/** Lose the runs of every runner silent for longer than `timeoutMs`, and of runners since removed. */
export function enforceRunnerTimeout(db: Db, options: { timeoutMs: number; nowMs?: number }): LostRun[] {
  const now = options.nowMs ?? Date.now();
  const cutoff = now - options.timeoutMs;
  const rows = stmt(
    db.sqlite,
    `SELECT runs.id AS id, runs.runner AS runner, runners.last_seen_at_ms AS lastSeen, runners.name AS known
     FROM runs LEFT JOIN runners ON runners.name = runs.runner
     WHERE runs.runner IS NOT NULL AND runs.state IN ('pending', 'active')
       AND (runners.name IS NULL OR runners.last_seen_at_ms IS NULL OR runners.last_seen_at_ms < ?)
     ORDER BY runs.queued_at_ms, runs.rowid`,
  ).all(cutoff) as { id: string; runner: string; lastSeen: number | null; known: string | null }[];
  const lost: LostRun[] = [];
  for (const r of rows) {
    const why =
      r.known === null
        ? "was removed while it held the run"
        : `was not heard from for ${Math.round((now - (r.lastSeen ?? 0)) / 1000)} s (:runner-timeout ${options.timeoutMs / 1000} s)`;
    const l = loseRun(db, r.id, r.runner, why, now);
    if (l !== undefined) lost.push(l);
  }
  return lost;
}

/** Record that `runner` was heard from (its agent `agentId`, with `labels`). */
export function sawRunner(db: Db, runner: string, agentId: string, labels: readonly string[] | undefined, nowMs = Date.now()): void {
  stmt(db.sqlite, "UPDATE runners SET last_seen_at_ms = ?, agent_id = ?, labels_json = COALESCE(?, labels_json) WHERE name = ?").run(
    nowMs,
    agentId,
    labels === undefined ? null : JSON.stringify(labels),
    runner,
  );
}

/** A new agent of `runner` started: whatever the previous one held is lost. Returns what was lost. */
export function agentStarted(db: Db, runner: RunnerRow, agentId: string, labels: readonly string[], nowMs = Date.now()): LostRun[] {
  const lost: LostRun[] = [];
  if (runner.agentId !== agentId) {
    for (const run of heldRuns(db, runner.name)) {
      const l = loseRun(db, run.id, runner.name, "restarted while it held the run", nowMs);
      if (l !== undefined) lost.push(l);
    }
  }
  sawRunner(db, runner.name, agentId, labels, nowMs);
  return lost;
}

/**
 * Square what `runner` holds with what its agent says it runs: held runs the
 * agent does not run (claimed over CLAIM_GRACE_MS ago) are lost; runs the
 * agent runs that are no longer its to run (terminal, superseded, cancelled,
 * lost) are returned, for the agent to stop.
 */
export function reconcileHeld(db: Db, runner: string, running: readonly string[], nowMs = Date.now()): { stop: string[]; lost: LostRun[] } {
  const held = heldRuns(db, runner);
  const lost: LostRun[] = [];
  for (const run of held) {
    if (running.includes(run.id) || (run.claimedAtMs ?? 0) > nowMs - CLAIM_GRACE_MS) continue;
    const l = loseRun(db, run.id, runner, "does not know of the run it claimed (the claim's answer was lost)", nowMs);
    if (l !== undefined) lost.push(l);
  }
  const heldIds = new Set(held.filter((r) => !lost.some((l) => l.id === r.id)).map((r) => r.id));
  return { stop: running.filter((id) => !heldIds.has(id)), lost };
}

