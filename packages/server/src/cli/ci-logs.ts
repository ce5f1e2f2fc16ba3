// `quire ci logs RUN [JOB] [--follow] [--json]` (declared in ./commands/ci.ts):
// a run's logs in the terminal, each line prefixed by its job and sh
// (`test/1 | …`, a job's `(log …)` output as `test/log | …`), with each sh's
// command and exit code and each job's end. --follow keeps reading as the
// run goes (straight from the data directory, so it works over `quire exec`
// and with the server down) and exits with the run's outcome.
import { existsSync } from "node:fs";
import { findRun } from "../ci-status/queries.js";
import { jobOutputPath, loadRunView, shLogPath, type RunView } from "../ci-status/run-view.js";
import { jobStateLabel, stateLabel } from "../ci-status/format.js";
import { openDatabase } from "../db/open.js";
import type { RunRow } from "../db/schema.js";
import { LogFollower } from "../runs/log-follow.js";
import type { LogLine } from "../runs/log-reader.js";
import type { CliContext, CommandRun } from "./context.js";

/** Exit codes: the run's outcome (docs/CLI.md). */
export const LOGS_EXIT = { complete: 0, failed: 1, superseded: 3, unfinished: 4 } as const;

const POLL_MS = 100;

function outcomeCode(run: RunRow): number {
  if (run.state === "complete") return LOGS_EXIT.complete;
  if (run.state === "failed") return LOGS_EXIT.failed;
  if (run.state === "superseded") return LOGS_EXIT.superseded;
  return LOGS_EXIT.unfinished;
}

function final(run: RunRow): boolean {
  return (run.state === "complete" || run.state === "failed" || run.state === "superseded") && run.pid === null;
}

function seconds(from: number | null, to: number | null): string {
  return from === null || to === null ? "" : ` (${((to - from) / 1000).toFixed(1)}s)`;
}

interface Out {
  line(jobId: string, n: number, line: LogLine): void;
  shStarted(jobId: string, n: number, cmd: string): void;
  shFinished(jobId: string, n: number, exitCode: number | null, took: string): void;
  job(jobId: string, state: string, label: string, error: string | null): void;
  run(run: RunRow, view: RunView): void;
}

function textOut(ctx: CliContext): Out {
  const tag = (jobId: string, n: number) => `${jobId}/${n === 0 ? "log" : n}`;
  return {
    line: (jobId, n, line) => ctx.stdout.write(`${tag(jobId, n)} | ${line.text}\n`),
    shStarted: (jobId, n, cmd) => ctx.stdout.write(`${tag(jobId, n)} $ ${cmd}\n`),
    shFinished: (jobId, n, exitCode, took) => ctx.stdout.write(`${tag(jobId, n)} ${exitCode === null ? "did not finish" : `exit ${exitCode}`}${took}\n`),
    job: (jobId, _state, label, error) => ctx.stdout.write(`${jobId}: ${label}${error === null ? "" : `: ${error.split("\n")[0]}`}\n`),
    run: (run, view) =>
      ctx.stdout.write(`run ${run.id}: ${stateLabel(run)}${view.invalidPipeline ? " (invalid pipeline)" : ""}${run.error === null ? "" : `: ${run.error.split("\n")[0]}`}\n`),
  };
}

function jsonOut(ctx: CliContext): Out {
  const put = (value: unknown) => ctx.stdout.write(JSON.stringify(value) + "\n");
  return {
    line: (jobId, n, line) => put({ type: "line", job_id: jobId, n, stream: line.stream, text: line.text, at_ms: line.atMs }),
    shStarted: (jobId, n, cmd) => put({ type: "sh_started", job_id: jobId, n, cmd }),
    shFinished: (jobId, n, exitCode) => put({ type: "sh_finished", job_id: jobId, n, exit_code: exitCode }),
    job: (jobId, state, _label, error) => put({ type: "job", job_id: jobId, state, error }),
    run: (run, view) =>
      put({ type: "run", id: run.id, state: run.state, failure_kind: run.failureKind, error: run.error, invalid_pipeline: view.invalidPipeline, exit: outcomeCode(run) }),
  };
}

/** `quire ci logs RUN [JOB] [--follow] [--json]`. */
export const ciLogs: CommandRun = async (ctx) => {
  const follow = ctx.input.flag("follow");
  const only = ctx.input.arg("job");
  const out = ctx.input.flag("json") ? jsonOut(ctx) : textOut(ctx);
  if (!existsSync(ctx.paths.db)) throw new Error(`no runs yet (no database at ${ctx.paths.db})`);
  const db = openDatabase(ctx.paths.db);
  let stop = false;
  const interrupt = () => (stop = true);
  process.once("SIGINT", interrupt);
  try {
    let run = findRun(db, ctx.input.arg("run")!);
    const followers = new Map<string, LogFollower>();
    const started = new Set<string>();
    const finished = new Set<string>();
    const jobsSeen = new Map<string, string>();
    for (;;) {
      run = findRun(db, run.id);
      const done = final(run);
      const view = loadRunView(db, ctx.paths.runs, run);
      if (only !== undefined && !view.jobs.some((j) => j.jobId === only) && (view.validated || done)) {
        const known = view.jobs.map((j) => j.jobId);
        throw new Error(`run ${run.id} has no job ${JSON.stringify(only)}${known.length > 0 ? `; its jobs: ${known.join(", ")}` : ""}`);
      }
      for (const job of view.jobs) {
        if (only !== undefined && job.jobId !== only) continue;
        const logs: { n: number; file: string | null }[] = [{ n: 0, file: jobOutputPath(view.runDir, job.jobId) }];
        for (const sh of view.sh) if (sh.jobId === job.jobId) logs.push({ n: sh.n, file: shLogPath(view.runDir, sh.jobId, sh.n) });
        for (const { n, file } of logs) {
          const key = `${job.jobId}/${n}`;
          const sh = n === 0 ? undefined : view.sh.find((s) => s.jobId === job.jobId && s.n === n);
          if (sh !== undefined && !started.has(key)) {
            started.add(key);
            out.shStarted(job.jobId, n, sh.cmd);
          }
          if (file !== null) {
            let f = followers.get(key);
            if (f === undefined) followers.set(key, (f = new LogFollower(file)));
            for (const line of (await f.read(done)).lines) out.line(job.jobId, n, line);
          }
          if (sh !== undefined && !finished.has(key) && (sh.finishedAtMs !== null || sh.abortedAtMs !== null || done)) {
            finished.add(key);
            out.shFinished(job.jobId, n, sh.exitCode, seconds(sh.startedAtMs, sh.finishedAtMs ?? sh.abortedAtMs));
          }
        }
        const terminal = job.state !== "pending" && job.state !== "active";
        if (terminal && jobsSeen.get(job.jobId) !== job.state) {
          jobsSeen.set(job.jobId, job.state);
          out.job(job.jobId, job.state, jobStateLabel(job) + (job.skipReason === null ? "" : ` (${job.skipReason})`), job.state === "skipped" ? null : job.error);
        }
      }
      if (done || !follow || stop) {
        if (done || !follow) out.run(run, view);
        return stop && !done ? 130 : outcomeCode(run);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    process.off("SIGINT", interrupt);
    db.close();
  }
};
