// Supersede (SPEC §7): a new run for (repo, ref) resolves the older pending
// and active runs of that ref to `superseded`; active ones also lose their
// executor's process group (TERM, then KILL after a grace period).
import { stmt } from "../db/statements.js";
import type { RunState } from "@quire/shared";
import type { Db } from "../db/open.js";
import type { RunRow } from "../db/schema.js";
import { getRun } from "../db/queries.js";
import { killProcessGroup } from "./process-group.js";
import { groupMatchesIdentity } from "./process-identity.js";
import { transitionRun } from "./transition.js";

/** A run that was stopped, and the executor process group it had, if any. */
export interface StoppedRun {
  id: string;
  from: RunState;
  pid: number | null;
  /** Since when it was in `from`: started_at_ms when active, queued_at_ms when pending. */
  sinceMs: number;
}

/**
 * Mark every non-terminal run of `newRun`'s (repo, ref), other than itself,
 * superseded by it. Database only: call inside createRun's transaction, then
 * hand the result to stopProcesses.
 */
export function supersedeOlder(db: Db, newRun: RunRow, nowMs: number): StoppedRun[] {
  const older = stmt(
      db.sqlite,
      `SELECT id, state, pid, COALESCE(started_at_ms, queued_at_ms) AS since FROM runs
       WHERE repo = ? AND ref = ? AND id <> ? AND state IN ('pending', 'active')
       ORDER BY queued_at_ms, rowid`,
    )
    .all(newRun.repo, newRun.ref, newRun.id) as { id: string; state: RunState; pid: number | null; since: number }[];
  for (const run of older) {
    transitionRun(db, run.id, run.state, "superseded", {
      supersededBy: newRun.id,
      error: `superseded by run ${newRun.id} (${newRun.sha.slice(0, 12)})`,
      nowMs,
    });
  }
  return older.map((r) => ({ id: r.id, from: r.state, pid: r.pid, sinceMs: r.since }));
}

/**
 * Kill the process groups of stopped runs and clear their pid once each
 * group is gone. Resolves when every group is gone.
 */
export async function stopProcesses(db: Db, runs: readonly StoppedRun[], options: { graceMs?: number } = {}): Promise<void> {
  await Promise.all(
    runs
      .filter((r): r is StoppedRun & { pid: number } => r.pid !== null)
      .map(async (r) => {
        // Only a group that is still the one we spawned (see process-identity.ts).
        const identity = db.sqlite.open ? (getRun(db, r.id)?.pidIdentity ?? null) : null;
        if (groupMatchesIdentity(r.pid, identity)) await killProcessGroup(r.pid, { graceMs: options.graceMs });
        if (db.sqlite.open) stmt(db.sqlite, "UPDATE runs SET pid = NULL, pid_identity = NULL WHERE id = ? AND pid = ?").run(r.id, r.pid);
      }),
  );
}
