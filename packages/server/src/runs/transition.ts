// The one writer of runs.state (SPEC §5): checks the edge, stamps
// started_at_ms / finished_at_ms at most once, and on entering a terminal
// state finalizes the run's unfinished jobs in the same transaction.
import { stmt } from "../db/statements.js";
import { isTerminalRunState, type FailureKind, type RunState } from "@quire/shared";
import type { Db } from "../db/open.js";
import { getRun } from "../db/queries.js";
import type { RunRow } from "../db/schema.js";
import { InvalidTransitionError, RunNotFoundError } from "../errors.js";
import { finalizeJobs } from "./jobs.js";
import { announceTerminal } from "./terminal-hooks.js";

/** Allowed run edges. Nothing leaves a terminal state. */
export const RUN_EDGES: Readonly<Record<RunState, readonly RunState[]>> = {
  pending: ["active", "superseded", "failed"],
  active: ["complete", "failed", "superseded"],
  complete: [],
  failed: [],
  superseded: [],
};

/**
 * Failure kinds allowed on `pending → failed`: the run could not be prepared,
 * its executor died before bootstrap, it never bootstrapped in time, or the
 * operator cancelled it.
 */
export const PENDING_FAILURE_KINDS: readonly FailureKind[] = ["prepare-failed", "process-crashed", "timed-out", "cancelled"];

export interface TransitionOptions {
  /** Required when `to` is `failed`, refused otherwise. */
  failureKind?: FailureKind;
  /** The run that replaced this one; only with `to` = `superseded`. */
  supersededBy?: string;
  /** A one-line summary kept on the row (first writer wins). */
  error?: string;
  nowMs?: number;
}

/** True when the state machine has the edge `from → to`. */
export function isAllowedEdge(from: RunState, to: RunState): boolean {
  return RUN_EDGES[from].includes(to);
}

/**
 * Move run `id` from `from` to `to`. Throws InvalidTransitionError when the
 * edge is not allowed or the run is no longer in `from` (someone else moved
 * it first), RunNotFoundError for an unknown id. Returns the updated row.
 */
export function transitionRun(db: Db, id: string, from: RunState, to: RunState, options: TransitionOptions = {}): RunRow {
  if (!isAllowedEdge(from, to)) {
    throw new InvalidTransitionError(id, from, to, "not an edge of the run state machine");
  }
  const { failureKind, supersededBy } = options;
  if (to === "failed" && (failureKind === undefined || failureKind === "")) {
    throw new InvalidTransitionError(id, from, to, "a failed run needs a failure_kind");
  }
  if (to !== "failed" && failureKind !== undefined) {
    throw new InvalidTransitionError(id, from, to, `failure_kind ${JSON.stringify(failureKind)} is only for failed runs`);
  }
  if (from === "pending" && to === "failed" && !PENDING_FAILURE_KINDS.includes(failureKind!)) {
    throw new InvalidTransitionError(
      id,
      from,
      to,
      `a pending run fails only as ${PENDING_FAILURE_KINDS.join(", ")}, not ${JSON.stringify(failureKind)}`,
    );
  }
  if (supersededBy !== undefined && to !== "superseded") {
    throw new InvalidTransitionError(id, from, to, "superseded_by is only for superseded runs");
  }
  const now = options.nowMs ?? Date.now();
  const terminal = isTerminalRunState(to) ? 1 : 0;
  const row = db.sqlite.transaction((): RunRow => {
    // MAX(...) keeps the stamps monotonic even if the wall clock stepped back;
    // COALESCE keeps each stamp written at most once.
    const result = stmt(
        db.sqlite,
        `UPDATE runs SET
           state = @to,
           started_at_ms = CASE WHEN @to = 'active' THEN COALESCE(started_at_ms, MAX(@now, queued_at_ms)) ELSE started_at_ms END,
           finished_at_ms = CASE WHEN @terminal THEN COALESCE(finished_at_ms, MAX(@now, COALESCE(started_at_ms, queued_at_ms))) ELSE finished_at_ms END,
           failure_kind = COALESCE(failure_kind, @failureKind),
           superseded_by = COALESCE(superseded_by, @supersededBy),
           error = COALESCE(error, @error)
         WHERE id = @id AND state = @from`,
      )
      .run({
        id,
        from,
        to,
        now,
        terminal,
        failureKind: failureKind ?? null,
        supersededBy: supersededBy ?? null,
        error: options.error ?? null,
      });
    if (result.changes === 0) {
      const row = getRun(db, id);
      if (row === undefined) throw new RunNotFoundError(id);
      throw new InvalidTransitionError(id, from, to, `the run is ${row.state}, not ${from}`, row.state);
    }
    const row = getRun(db, id)!;
    if (terminal) finalizeJobs(db, id, { runState: to, nowMs: now, ...(failureKind === undefined ? {} : { failureKind }) });
    return row;
  })();
  if (terminal) announceTerminal(db, row);
  return row;
}
