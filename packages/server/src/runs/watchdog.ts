// The run watchdog (SPEC §7): a run past :run-timeout is resolved
// failed/timed-out and its executor's process group killed. Active runs
// are timed from started_at_ms; spawned-but-never-bootstrapped pending runs
// from spawned_at_ms. (Job :timeout is quire-ci's: it reports timed-out.)
import { stmt } from "../db/statements.js";
import type { Db } from "../db/open.js";
import { InvalidTransitionError } from "../errors.js";
import { stopProcesses, type StoppedRun } from "./supersede.js";
import { transitionRun } from "./transition.js";

export interface WatchdogOptions {
  runTimeoutMs: number;
  nowMs?: number;
  killGraceMs?: number;
}

export interface WatchdogResult {
  timedOut: StoppedRun[];
  /** Resolves once their process groups are gone. */
  stopped: Promise<void>;
}

/** Time out every run past the limit; returns the runs it stopped. */
export function enforceRunTimeout(db: Db, options: WatchdogOptions): WatchdogResult {
  const now = options.nowMs ?? Date.now();
  const cutoff = now - options.runTimeoutMs;
  const over = stmt(
      db.sqlite,
      `SELECT id, state, pid, COALESCE(started_at_ms, queued_at_ms) AS since FROM runs
       WHERE (state = 'active' AND started_at_ms < @cutoff)
          OR (state = 'pending' AND spawned_at_ms IS NOT NULL AND spawned_at_ms < @cutoff)`,
    )
    .all({ cutoff }) as { id: string; state: "pending" | "active"; pid: number | null; since: number }[];
  const timedOut: StoppedRun[] = [];
  const seconds = Math.round(options.runTimeoutMs / 1000);
  for (const run of over) {
    try {
      transitionRun(db, run.id, run.state, "failed", {
        failureKind: "timed-out",
        error:
          run.state === "active"
            ? `ran past the run timeout (:run-timeout ${seconds} s) and was stopped`
            : `quire-ci did not call bootstrap within the run timeout (:run-timeout ${seconds} s)`,
        nowMs: now,
      });
      timedOut.push({ id: run.id, from: run.state, pid: run.pid, sinceMs: run.since });
    } catch (e) {
      if (!(e instanceof InvalidTransitionError)) throw e; // resolved meanwhile: nothing to time out
    }
  }
  return { timedOut, stopped: stopProcesses(db, timedOut, { graceMs: options.killGraceMs }) };
}
