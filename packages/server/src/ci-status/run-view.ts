// One run as every reader shows it (`quire ci show`, `quire ci logs`, the web
// run page): the run row, its jobs in the order the pipeline declared them
// with what the job graph says of each (inputs, :allow-failure, :timeout),
// its sh rows, and where each log file lives. Reads only; no formatting.
import path from "node:path";
import type { Db } from "../db/open.js";
import { getRunPipeline, listJobs, listPipelineJobs, listShEvents } from "../db/queries.js";
import type { JobRow, RunRow, ShEventRow } from "../db/schema.js";
import { runDirs } from "../runs/spawn.js";

export interface ViewJob extends JobRow {
  /** 1-based declaration order, when the job graph is known. */
  position: number | null;
  /** Job ids and `quire/push`, as declared; null without a job graph. */
  inputs: string[] | null;
  allowFailure: boolean;
  timeoutMs: number | null;
}

export interface RunView {
  run: RunRow;
  /** Declaration order when the pipeline validated, else start order. */
  jobs: ViewJob[];
  sh: ShEventRow[];
  /** The pipeline sent its job graph (it compiled and validated). */
  validated: boolean;
  /** quire-ci judged the pipeline and it never validated: ci.fnl did not compile or its jobs were refused. */
  invalidPipeline: boolean;
  runDir: string;
}

/** Why an sh's log was cut, as a phrase after "log cut": its cap, the run's cap, or the disk's free-space reserve. */
export function logCutReason(cut: "sh" | "run" | "disk"): string {
  if (cut === "disk") return "for want of free space on the disk (:log-free-space)";
  return cut === "sh" ? "at its cap (:sh-log-cap)" : "at the run's cap (:run-log-cap)";
}

/** True when a failed job did not fail the run (`:allow-failure`). */
export function allowedFailure(job: Pick<ViewJob, "state" | "allowFailure">): boolean {
  return job.state === "failed" && job.allowFailure;
}

/** Load `run` with its jobs, job graph and sh rows. */
export function loadRunView(db: Db, runsDir: string, run: RunRow): RunView {
  const graph = listPipelineJobs(db, run.id);
  const rows = new Map(listJobs(db, run.id).map((j) => [j.jobId, j]));
  const jobs: ViewJob[] = [];
  for (const g of graph) {
    const row = rows.get(g.jobId) ?? {
      runId: run.id,
      jobId: g.jobId,
      state: "pending" as const,
      startedAtMs: null,
      finishedAtMs: null,
      error: null,
      timedOut: false,
      skipReason: null,
    };
    rows.delete(g.jobId);
    jobs.push({ ...row, position: g.position, inputs: JSON.parse(g.inputsJson) as string[], allowFailure: g.allowFailure, timeoutMs: g.timeoutMs });
  }
  // Jobs the graph does not name (a quire-ci that sent none): in start order, after the rest.
  for (const row of rows.values()) jobs.push({ ...row, position: null, inputs: null, allowFailure: false, timeoutMs: null });
  const validated = getRunPipeline(db, run.id) !== undefined;
  return {
    run,
    jobs,
    sh: listShEvents(db, run.id),
    validated,
    invalidPipeline: !validated && run.reportedOutcome === "pipeline-failure",
    runDir: runDirs(runsDir, run.repo, run.id).runDir,
  };
}

/** A job's log folder; null for ids that would name another folder ("." and ".." have no `/` but are not folders of their own). */
function jobDir(runDir: string, jobId: string): string | null {
  return jobId === "." || jobId === ".." || jobId.includes("/") || jobId.includes("\0") ? null : path.join(runDir, "jobs", jobId);
}

/** The log file of sh `n` of `jobId` (it may not exist: an sh that wrote nothing, or a run not started). */
export function shLogPath(runDir: string, jobId: string, n: number): string | null {
  const dir = jobDir(runDir, jobId);
  return dir === null ? null : path.join(dir, `sh-${n}.log`);
}

/** The file holding a job's `(log …)` output. */
export function jobOutputPath(runDir: string, jobId: string): string | null {
  const dir = jobDir(runDir, jobId);
  return dir === null ? null : path.join(dir, "log.log");
}
