// What happens to a run's unfinished jobs when the run ends: jobs in flight
// become `aborted` and their open sh rows are closed (aborted_at_ms), jobs
// that never started become `skipped` (SPEC §5). Called by transitionRun
// inside its transaction, so no row looks alive after the run is over.
import { stmt } from "../db/statements.js";
import type { RunState } from "@quire/shared";
import type { Db } from "../db/open.js";

export interface FinalizeJobsOptions {
  /** The terminal state the run is entering, named in the skip reason. */
  runState: RunState;
  /** Its failure kind, when failed: a cancelled run says "cancelled". */
  failureKind?: string;
  nowMs: number;
}

/** How a run's end is named in its jobs' reasons: its state, or "cancelled". */
function endName(options: FinalizeJobsOptions): string {
  return options.failureKind === "cancelled" ? "cancelled" : options.runState;
}

/** Abort active jobs (closing their open sh rows) and skip pending ones; returns how many of each. */
export function finalizeJobs(db: Db, runId: string, options: FinalizeJobsOptions): { aborted: number; skipped: number } {
  stmt(
    db.sqlite,
    `UPDATE sh_events SET aborted_at_ms = MAX(@now, started_at_ms)
     WHERE run_id = @runId AND finished_at_ms IS NULL AND aborted_at_ms IS NULL`,
  ).run({ runId, now: options.nowMs });
  const aborted = stmt(
      db.sqlite,
      `UPDATE jobs SET state = 'aborted', finished_at_ms = MAX(@now, started_at_ms),
         error = COALESCE(error, @error)
       WHERE run_id = @runId AND state = 'active'`,
    )
    .run({ runId, now: options.nowMs, error: `the run ended (${endName(options)}) while the job was running` }).changes;
  const skipped = stmt(
      db.sqlite,
      `UPDATE jobs SET state = 'skipped', finished_at_ms = @now, skip_reason = @reason
       WHERE run_id = @runId AND state = 'pending'`,
    )
    .run({ runId, now: options.nowMs, reason: `the run ended (${endName(options)}) before the job started` }).changes;
  return { aborted, skipped };
}
