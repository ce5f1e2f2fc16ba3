// The job outcome rule and the run outcome rule (SPEC §4, §6): what a run-fn's
// ending means for its job, and what the jobs' results mean for the run.
import type { RunOutcome } from "@quire/shared";

export type JobState = "complete" | "failed" | "skipped";

export interface JobResult {
  id: string;
  state: JobState;
  allowFailure: boolean;
  error?: string;
  timedOut?: boolean;
  /** Why a skipped job did not run. */
  reason?: string;
  durationMs?: number;
}

export interface RunResult {
  outcome: RunOutcome;
  error?: string;
  jobs: JobResult[];
}

/** Whether a finished input stops its dependents from running. */
export function blocksDependents(input: JobResult): boolean {
  if (input.state === "skipped") return true;
  return input.state === "failed" && !input.allowFailure;
}

/** success unless a job failed without :allow-failure; timed-out when such a job ran past its :timeout. */
export function runOutcome(jobs: readonly JobResult[]): { outcome: RunOutcome; error?: string } {
  const failed = jobs.filter((j) => j.state === "failed" && !j.allowFailure);
  if (failed.length === 0) return { outcome: "success" };
  const first = failed[0]!;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more failed job${failed.length > 2 ? "s" : ""})` : "";
  return {
    outcome: failed.some((j) => j.timedOut) ? "timed-out" : "pipeline-failure",
    error: `job "${first.id}" failed: ${first.error ?? "unknown error"}${more}`,
  };
}
