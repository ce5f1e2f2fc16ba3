// What happens to a run's unfinished jobs when the run ends: jobs in flight
// become `aborted`, jobs that never started become `skipped` (SPEC §5).
// Called by transitionRun inside its transaction.
import { stmt } from "../db/statements.js";
import type { RunState } from "@quire/shared";
import type { Db } from "../db/open.js";

export interface FinalizeJobsOptions {
  /** The terminal state the run is entering, named in the skip reason. */
  runState: RunState;
  nowMs: number;
}

/** Abort active jobs and skip pending ones; returns how many of each. */
export function finalizeJobs(db: Db, runId: string, options: FinalizeJobsOptions): { aborted: number; skipped: number } {
  const aborted = stmt(
      db.sqlite,
      `UPDATE jobs SET state = 'aborted', finished_at_ms = MAX(@now, started_at_ms),
         error = COALESCE(error, @error)
       WHERE run_id = @runId AND state = 'active'`,
    )
    .run({ runId, now: options.nowMs, error: `the run ended (${options.runState}) while the job was running` }).changes;
  const skipped = stmt(
      db.sqlite,
      `UPDATE jobs SET state = 'skipped', finished_at_ms = @now, skip_reason = @reason
       WHERE run_id = @runId AND state = 'pending'`,
    )
    .run({ runId, now: options.nowMs, reason: `the run ended (${options.runState}) before the job started` }).changes;
  return { aborted, skipped };
}
