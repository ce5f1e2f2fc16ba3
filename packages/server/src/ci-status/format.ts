// Terminal and JSON renderings of runs, jobs and sh rows for `quire ci runs`
// and `quire ci show`. JSON keys are the snake_case column names.
import type { RunRow } from "../db/schema.js";
import type { LogLine } from "../runs/log-reader.js";
import { allowedFailure, logCutReason, type RunView, type ViewJob } from "./run-view.js";
import type { RunLogs } from "./queries.js";
import type { StoppedRun } from "../runs/supersede.js";
import { cancelledMessage } from "../runs/stop-messages.js";

export function duration(from: number | null, to: number | null, now = Date.now()): string {
  if (from === null) return "-";
  const ms = (to ?? now) - from;
  const text = ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
  return to === null ? `${text}…` : text;
}

export function when(ms: number | null): string {
  return ms === null ? "-" : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** `failed/pipeline-failure`, `complete`, … and `cancelled` for a run the operator cancelled. */
export function stateLabel(run: Pick<RunRow, "state" | "failureKind">): string {
  if (run.state === "failed" && run.failureKind === "cancelled") return "cancelled";
  return run.failureKind ? `${run.state}/${run.failureKind}` : run.state;
}

export function runJson(run: RunRow) {
  return {
    id: run.id,
    repo: run.repo,
    ref: run.ref,
    sha: run.sha,
    state: run.state,
    failure_kind: run.failureKind,
    queued_at_ms: run.queuedAtMs,
    started_at_ms: run.startedAtMs,
    finished_at_ms: run.finishedAtMs,
    superseded_by: run.supersededBy,
    exit_code: run.exitCode,
    error: run.error,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n") + "\n";
}

/** The `quire ci runs` table, newest first. */
export function formatRuns(runs: RunRow[]): string {
  const rows = [["RUN", "STATE", "REPO", "REF", "SHA", "QUEUED", "TOOK"]];
  for (const r of runs) {
    rows.push([r.id, stateLabel(r), r.repo, r.ref.replace(/^refs\/heads\//, ""), r.sha.slice(0, 10), when(r.queuedAtMs), duration(r.startedAtMs, r.finishedAtMs)]);
  }
  return table(rows);
}

export interface RunDetail {
  view: RunView;
  /** Each job's `(log …)` output, by job id (jobs that logged nothing are absent). */
  outputs: Map<string, LogLine[]>;
  logs: RunLogs;
  url: string;
}

/** `failed (allowed)` for a failure `:allow-failure` let pass, else the state. */
export function jobStateLabel(job: ViewJob): string {
  return `${job.state}${allowedFailure(job) ? " (allowed)" : ""}${job.timedOut ? " (timed out)" : ""}`;
}

/** Why a run shows no jobs. */
export function noJobsReason(view: RunView): string {
  if (view.invalidPipeline) return `invalid pipeline: ${view.run.error ?? "ci.fnl did not compile or validate"}`;
  if (view.run.state === "pending") return "no jobs yet: the run has not started";
  if (view.run.state === "active") return view.validated ? "no jobs: the pipeline registers none" : "no jobs yet: the pipeline is loading";
  // A pipeline may register no jobs (upstream quire's own does): its run completes with none.
  return view.validated ? "no jobs registered" : "no jobs ran";
}

export function runDetailJson(d: RunDetail) {
  const { view } = d;
  return {
    run: { ...runJson(view.run), url: d.url, invalid_pipeline: view.invalidPipeline, push: JSON.parse(view.run.pushJson) as unknown },
    jobs: view.jobs.map((j) => ({
      job_id: j.jobId,
      state: j.state,
      started_at_ms: j.startedAtMs,
      finished_at_ms: j.finishedAtMs,
      error: j.error,
      timed_out: j.timedOut,
      skip_reason: j.skipReason,
      inputs: j.inputs,
      allow_failure: j.allowFailure,
      timeout_ms: j.timeoutMs,
      output: (d.outputs.get(j.jobId) ?? []).map((l) => l.text),
    })),
    sh: view.sh.map((s) => ({
      job_id: s.jobId,
      n: s.n,
      cmd: s.cmd,
      started_at_ms: s.startedAtMs,
      finished_at_ms: s.finishedAtMs,
      exit_code: s.exitCode,
      aborted_at_ms: s.abortedAtMs,
      log: d.logs.shLogs.get(`${s.jobId}/${s.n}`) ?? null,
      log_cut: s.logCut,
      log_dropped_bytes: s.logDroppedBytes,
    })),
    logs: { run_dir: d.logs.runDir, events: d.logs.eventsFile, quire_ci: d.logs.executorLog },
  };
}

/** The `quire ci show` text: the run, then each job with its `(log …)` output, its sh rows and log files. */
export function formatRunDetail(d: RunDetail): string {
  const { run } = d.view;
  const lines = [
    `run ${run.id}  ${stateLabel(run)}${d.view.invalidPipeline ? " (invalid pipeline)" : ""}`,
    `  repo      ${run.repo}`,
    `  ref       ${run.ref} at ${run.sha}`,
    `  queued    ${when(run.queuedAtMs)}`,
    `  started   ${when(run.startedAtMs)}`,
    `  finished  ${when(run.finishedAtMs)}  (took ${duration(run.startedAtMs, run.finishedAtMs)})`,
  ];
  if (run.supersededBy) lines.push(`  superseded by run ${run.supersededBy}`);
  if (run.error) lines.push(`  error     ${run.error}`);
  lines.push(`  url       ${d.url}`, `  logs      ${d.logs.runDir}`, `            ${d.logs.executorLog}`, "");
  if (d.view.jobs.length === 0) lines.push(noJobsReason(d.view));
  for (const j of d.view.jobs) {
    const extra = j.skipReason ? ` (${j.skipReason})` : j.error ? `: ${j.error.split("\n")[0]}` : "";
    lines.push(`job ${j.jobId}  ${jobStateLabel(j)}  ${duration(j.startedAtMs, j.finishedAtMs)}${extra}`);
    for (const out of d.outputs.get(j.jobId) ?? []) lines.push(`  log  ${out.text}`);
    for (const s of d.view.sh.filter((x) => x.jobId === j.jobId)) {
      const exit = s.exitCode !== null ? `exit ${s.exitCode}` : s.abortedAtMs !== null ? "aborted" : s.finishedAtMs === null ? "running" : "no exit code";
      lines.push(`  sh ${s.n}  ${exit}  ${duration(s.startedAtMs, s.finishedAtMs ?? s.abortedAtMs)}  ${s.cmd}`);
      const log = d.logs.shLogs.get(`${s.jobId}/${s.n}`);
      if (log) lines.push(`       log ${log}`);
      if (s.logCut) lines.push(`       log cut ${logCutReason(s.logCut)}; ${s.logDroppedBytes ?? 0} bytes of output not kept`);
    }
  }
  return lines.join("\n") + "\n";
}

/** What `quire ci cancel` prints, whether the server or the CLI stopped the run. */
export function cancelMessage(run: Pick<RunRow, "id" | "state" | "failureKind">, stopped: StoppedRun | undefined): string {
  return stopped === undefined ? `run ${run.id} already finished: ${stateLabel(run)}` : cancelledMessage(stopped);
}
