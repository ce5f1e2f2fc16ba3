// Operator stop (`quire ci cancel RUN`): a pending or active run becomes
// `failed` with failure_kind `cancelled` (its own outcome, not a supersede),
// its jobs and open sh rows are closed in the same transaction, and its
// executor's process group is killed.
import { isTerminalRunState } from "@quire/shared";
import type { Db } from "../db/open.js";
import { getRun } from "../db/queries.js";
import { RunNotFoundError } from "../errors.js";
import { stopProcesses, type StoppedRun } from "./supersede.js";
import { transitionRun } from "./transition.js";

export interface CancelResult {
  /** The run as stopped, or undefined when it was already terminal. */
  stopped: StoppedRun | undefined;
  /** Resolves once its process group is gone. */
  done: Promise<void>;
}

/**
 * Stop run `id`. A terminal run is left alone (`stopped` undefined);
 * an unknown id throws RunNotFoundError.
 */
export function cancelRun(db: Db, id: string, options: { killGraceMs?: number; nowMs?: number } = {}): CancelResult {
  // IMMEDIATE: the CLI and a running server may share the file; read and
  // write under one write lock.
  const stopped = db.sqlite
    .transaction((): StoppedRun | undefined => {
      const run = getRun(db, id);
      if (run === undefined) throw new RunNotFoundError(id);
      if (isTerminalRunState(run.state)) return undefined;
      transitionRun(db, id, run.state, "failed", { failureKind: "cancelled", error: "cancelled by the operator (quire ci cancel)", nowMs: options.nowMs });
      return { id, from: run.state, pid: run.pid, sinceMs: run.startedAtMs ?? run.queuedAtMs };
    })
    .immediate();
  if (stopped === undefined) return { stopped, done: Promise.resolve() };
  return { stopped, done: stopProcesses(db, [stopped], { graceMs: options.killGraceMs }) };
}
