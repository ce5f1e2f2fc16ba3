// The outcome rule (SPEC §6), applied when the executor exits: ingest
// events.jsonl, then resolve the run from the exit status and the reported
// run_finished outcome. A run already terminal (superseded, timed out) only
// gets its exit code recorded.
import { stmt } from "../db/statements.js";
import { EXIT_STORAGE_ERROR, isTerminalRunState, type FailureKind, type RunState } from "@quire/shared";
import type { Db } from "../db/open.js";
import { getRun } from "../db/queries.js";
import { InvalidTransitionError } from "../errors.js";
import { ingestEventsFile, type IngestReport } from "./ingest.js";
import { transitionRun } from "./transition.js";

export interface ExitStatus {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Resolution {
  state: RunState;
  failureKind: FailureKind | null;
  /** False when the run was already terminal and kept its state. */
  resolvedNow: boolean;
  ingest: IngestReport | undefined;
}

/** Exit status as a number: the code, or 128 + signal number. */
export function exitCodeOf(status: ExitStatus): number {
  if (status.code !== null) return status.code;
  const signo = status.signal === null ? 0 : (signalNumber(status.signal) ?? 0);
  return 128 + signo;
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return table[signal];
}

function describeExit(status: ExitStatus): string {
  return status.signal !== null ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
}

/** Where an active run goes, from its executor's exit status and the outcome its run_finished reported. */
export function outcomeRule(
  status: ExitStatus,
  reported: string | null,
): { to: "complete" | "failed"; failureKind?: FailureKind; error?: string } {
  if (status.code === 0 && reported === "success") return { to: "complete" };
  if (status.code === 0 && reported === "pipeline-failure") return { to: "failed", failureKind: "pipeline-failure" };
  if (status.code === 0 && reported === "timed-out") return { to: "failed", failureKind: "timed-out" };
  if (status.code === EXIT_STORAGE_ERROR) {
    // quire-ci stopped the run itself: a run file could not be written. The failed job says which.
    return {
      to: "failed",
      failureKind: "storage-error",
      error: "quire-ci could not write the run's files (disk full, read-only or failing) and stopped the run; see the failed job and quire-ci.log",
    };
  }
  return {
    to: "failed",
    failureKind: "process-crashed",
    error:
      status.code === 0 ? "quire-ci exited 0 without a run_finished event; see quire-ci.log" : `quire-ci ${describeExit(status)}; see quire-ci.log`,
  };
}

/**
 * Resolve run `runId` after its executor exited with `status`:
 * exit 0 + run_finished success → complete; exit 0 + pipeline-failure →
 * failed/pipeline-failure; exit 0 + timed-out → failed/timed-out; exit 74
 * (EXIT_STORAGE_ERROR) → failed/storage-error; anything else →
 * failed/process-crashed (outcomeRule). A run still pending (never bootstrapped)
 * → failed/process-crashed. Unfinished jobs are finalized by transitionRun.
 */
export interface ResolveOptions {
  eventsFile: string;
  nowMs?: number;
  /** The run went over a resource limit (launchers/guard.ts): a failure becomes resource-limit. */
  limitHit?: { message: string };
  /** The run could not be started where it was sent (e.g. its sandbox, in its own words): it fails as prepare-failed. */
  setupFailure?: string;
}

export function resolveAfterExit(db: Db, runId: string, status: ExitStatus, options: ResolveOptions): Resolution {
  stmt(db.sqlite, "UPDATE runs SET exit_code = COALESCE(exit_code, ?), pid = NULL, pid_identity = NULL WHERE id = ?").run(exitCodeOf(status), runId);
  const before = getRun(db, runId);
  if (before === undefined) return { state: "failed", failureKind: null, resolvedNow: false, ingest: undefined };
  if (isTerminalRunState(before.state)) {
    return { state: before.state, failureKind: before.failureKind, resolvedNow: false, ingest: undefined };
  }
  const nowMs = options.nowMs;
  try {
    if (before.state === "pending") {
      const why =
        options.setupFailure !== undefined
          ? { failureKind: "prepare-failed", error: options.setupFailure }
          : options.limitHit !== undefined
            ? { failureKind: "resource-limit", error: options.limitHit.message }
            : { failureKind: "process-crashed", error: `quire-ci ${describeExit(status)} before calling bootstrap; see quire-ci.log` };
      const row = transitionRun(db, runId, "pending", "failed", { ...why, nowMs });
      return { state: row.state, failureKind: row.failureKind, resolvedNow: true, ingest: undefined };
    }
    const ingest = ingestEventsFile(db, runId, options.eventsFile);
    const rule = outcomeRule(status, getRun(db, runId)!.reportedOutcome);
    const { to } = rule;
    let { failureKind, error } = rule;
    if (to === "failed" && options.limitHit !== undefined) {
      // The limit is the cause; what it broke (the failed job) follows it.
      failureKind = "resource-limit";
      stmt(db.sqlite, "UPDATE runs SET error = ? || COALESCE('; then ' || error, '') WHERE id = ?").run(options.limitHit.message, runId);
    }
    const row = transitionRun(db, runId, "active", to, { failureKind, error, nowMs });
    return { state: row.state, failureKind: row.failureKind, resolvedNow: true, ingest };
  } catch (e) {
    // Moved behind our back (superseded, timed out) while we resolved: it keeps that state.
    if (e instanceof InvalidTransitionError && e.actual !== undefined && isTerminalRunState(e.actual)) {
      const row = getRun(db, runId)!;
      return { state: row.state, failureKind: row.failureKind, resolvedNow: false, ingest: undefined };
    }
    throw e;
  }
}
