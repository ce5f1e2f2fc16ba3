// What a notification says (SPEC §10): plain text for mail and a JSON body for
// webhooks, built once when the run ends: the run URL, the failing job, and
// the last 20 log lines, every configured secret redacted.
import path from "node:path";
import type { Redactor } from "@quire/shared";
import type { JobRow, RunRow, ShEventRow } from "../db/schema.js";
import type { Notice } from "./events.js";
import { jobLogFile, lastLines, lastLogLines } from "./log-tail.js";

export const LOG_TAIL_LINES = 20;

/** The documented webhook body (docs/deploy.md). */
export interface WebhookPayload {
  event: Notice["event"];
  repo: string;
  ref: string;
  sha: string;
  run: {
    id: string;
    url: string;
    state: string;
    failure_kind: string | null;
    error: string | null;
    queued_at_ms: number;
    started_at_ms: number | null;
    finished_at_ms: number | null;
  };
  /** ci-fixed: the failed run this one follows. */
  previous_run_id: string | null;
  commit_message: string | null;
  pusher: string | null;
  failing_job: { id: string; error: string | null } | null;
  /** Where log_tail comes from, relative to the run's directory. */
  log_file: string | null;
  log_tail: string[];
}

export interface NotificationContent {
  subject: string;
  text: string;
  payload: WebhookPayload;
}

export interface ContentInput {
  run: RunRow;
  notice: Notice;
  jobs: JobRow[];
  /** The run's sh calls (their jobs and numbers), to find the failing job's last one. */
  sh: Pick<ShEventRow, "jobId" | "n">[];
  /** `<data>/runs/<repo>/<run-id>`. */
  runDir: string;
  runUrl: string;
  redactor: Redactor;
}

function pushFacts(run: RunRow): { message: string | null; pusher: string | null } {
  try {
    const push = JSON.parse(run.pushJson) as { commit_message?: unknown; pusher?: unknown };
    return {
      message: typeof push.commit_message === "string" ? push.commit_message : null,
      pusher: typeof push.pusher === "string" ? push.pusher : null,
    };
  } catch {
    return { message: null, pusher: null };
  }
}

/** The failing job (first to fail) and the log lines to show with it. */
async function failureLog(input: ContentInput): Promise<{ job: JobRow | null; file: string | null; lines: string[] }> {
  const failed = input.jobs.filter((j) => j.state === "failed").sort((a, b) => (a.finishedAtMs ?? 0) - (b.finishedAtMs ?? 0));
  const job = failed[0] ?? null;
  const shOfJob = job === null ? [] : input.sh.filter((s) => s.jobId === job.jobId).map((s) => s.n);
  const lastSh = shOfJob.length === 0 ? undefined : Math.max(...shOfJob);
  const log = job === null ? undefined : jobLogFile(input.runDir, job.jobId, lastSh);
  if (log !== undefined) return { job, file: path.relative(input.runDir, log), lines: await lastLogLines(log, LOG_TAIL_LINES) };
  const own = path.join(input.runDir, "quire-ci.log");
  return { job, file: "quire-ci.log", lines: lastLines(own, LOG_TAIL_LINES) };
}

const short = (sha: string) => sha.slice(0, 12);
const branch = (ref: string) => ref.replace(/^refs\/(heads|tags)\//, "");

/** Subject, mail text and webhook body for `input.notice` about `input.run`. */
export async function notificationContent(input: ContentInput): Promise<NotificationContent> {
  const { run, notice, redactor } = input;
  const { message, pusher } = pushFacts(run);
  const failed = notice.event === "ci-failed";
  const log = failed ? await failureLog(input) : { job: null, file: null, lines: [] };
  const lines = log.lines.map((l) => redactor.redact(l));
  const firstLine = message?.split("\n")[0] ?? "";
  const subject = failed
    ? `[quire] ${run.repo} ${branch(run.ref)}: run failed (${run.failureKind ?? "failed"}) at ${short(run.sha)}`
    : `[quire] ${run.repo} ${branch(run.ref)}: fixed at ${short(run.sha)}`;
  const text: string[] = [
    failed
      ? `Run ${run.id} of ${run.repo} failed: ${run.failureKind ?? "failed"}.`
      : `Run ${run.id} of ${run.repo} succeeded after run ${notice.previousRunId} failed.`,
    "",
    `  ref:     ${run.ref}`,
    `  commit:  ${short(run.sha)}${firstLine === "" ? "" : ` ${redactor.redact(firstLine)}`}`,
    ...(pusher === null ? [] : [`  pusher:  ${pusher}`]),
    `  run:     ${input.runUrl}`,
  ];
  if (failed) {
    text.push("");
    if (log.job !== null) text.push(`Failing job: ${log.job.jobId}${log.job.error ? ` (${redactor.redact(log.job.error)})` : ""}`);
    else if (run.error) text.push(`Error: ${redactor.redact(run.error)}`);
    if (lines.length > 0) {
      text.push(`Last ${lines.length} log lines (${log.file}):`, "", ...lines.map((l) => `  ${l}`));
    } else text.push("No log lines were written.");
  }
  text.push("", "-- ", "quire");
  return {
    subject: redactor.redact(subject),
    text: text.join("\n") + "\n",
    payload: {
      event: notice.event,
      repo: run.repo,
      ref: run.ref,
      sha: run.sha,
      run: {
        id: run.id,
        url: input.runUrl,
        state: run.state,
        failure_kind: run.failureKind,
        error: run.error === null ? null : redactor.redact(run.error),
        queued_at_ms: run.queuedAtMs,
        started_at_ms: run.startedAtMs,
        finished_at_ms: run.finishedAtMs,
      },
      previous_run_id: notice.previousRunId,
      commit_message: message === null ? null : redactor.redact(message),
      pusher,
      failing_job: log.job === null ? null : { id: log.job.jobId, error: log.job.error === null ? null : redactor.redact(log.job.error) },
      log_file: failed ? log.file : null,
      log_tail: lines,
    },
  };
}
