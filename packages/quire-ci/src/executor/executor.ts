// Runs the jobs of a loaded pipeline: topological order with ties in
// declaration order, up to max-parallel-jobs at once, dependents of a failed
// job skipped, per-job :timeout enforced (the job's processes are killed).
import type { LoadedPipeline } from "../pipeline/load.js";
import { PUSH_SOURCE, type JobSpec } from "../pipeline/types.js";
import type { JobState as RuntimeJobState, RuntimeContext } from "../runtime/context.js";
import { closeJobLog } from "../runtime/log.js";
import { blocksDependents, type JobResult } from "./outcome.js";

export interface ExecuteOptions {
  loaded: LoadedPipeline;
  ctx: RuntimeContext;
  maxParallel: number;
}

function posText(job: JobSpec): string {
  const p = job.pos;
  return p.line === undefined ? p.file : p.col === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.col}`;
}

function seconds(s: number): string {
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}

export class Executor {
  /** Run-fns judged (timed out) but still unwinding in the VM. */
  private stragglers: Promise<unknown>[] = [];

  constructor(private readonly options: ExecuteOptions) {}

  async run(): Promise<JobResult[]> {
    const { loaded, maxParallel, ctx } = this.options;
    const results = new Map<string, JobResult>();
    const running = new Map<string, Promise<void>>();
    const pending = [...loaded.order];
    // A stopped run: running jobs lose their commands and fail; the rest never start.
    const unlisten = ctx.stop.onStop((reason) => {
      for (const id of running.keys()) {
        const state = ctx.jobs.get(id);
        if (state === undefined) continue;
        state.aborted ??= `stopped: ${reason}`;
        for (const child of state.children) child.kill("SIGKILL");
      }
    });
    while (pending.length > 0 || running.size > 0) {
      for (let i = 0; i < pending.length; ) {
        const job = pending[i]!;
        if (ctx.stop.reason !== undefined) {
          pending.splice(i, 1);
          const reason = `the run stopped before the job started: ${ctx.stop.reason}`;
          results.set(job.id, { id: job.id, state: "skipped", allowFailure: job.allowFailure, reason });
          ctx.emitter.emit({ type: "job_skipped", job_id: job.id, reason });
          continue;
        }
        const deps = job.inputs.filter((input) => input !== PUSH_SOURCE);
        if (!deps.every((d) => results.has(d))) {
          i++;
          continue;
        }
        const blocker = deps.map((d) => results.get(d)!).find(blocksDependents);
        if (blocker) {
          pending.splice(i, 1);
          const reason = blocker.state === "skipped" ? `input "${blocker.id}" was skipped` : `input "${blocker.id}" failed`;
          results.set(job.id, { id: job.id, state: "skipped", allowFailure: job.allowFailure, reason });
          this.options.ctx.emitter.emit({ type: "job_skipped", job_id: job.id, reason });
          continue;
        }
        if (running.size >= Math.max(1, maxParallel)) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        running.set(
          job.id,
          this.runJob(job).then((r) => {
            results.set(job.id, r);
            running.delete(job.id);
          }),
        );
      }
      if (running.size > 0) await Promise.race(running.values());
    }
    unlisten();
    return loaded.order.map((j) => results.get(j.id)!);
  }

  /** Wait (bounded) for timed-out run-fns to unwind, so the VM can be closed. */
  async settle(maxWaitMs = 3000): Promise<boolean> {
    if (this.stragglers.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      Promise.allSettled(this.stragglers).then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), maxWaitMs))),
    ]);
    clearTimeout(timer);
    return done;
  }

  private async runJob(job: JobSpec): Promise<JobResult> {
    const { ctx, loaded } = this.options;
    const network = job.network ?? loaded.pipeline.options?.network ?? true;
    const state: RuntimeJobState = { id: job.id, shCount: 0, children: new Set(), inflight: new Set(), network };
    ctx.jobs.set(job.id, state);
    ctx.emitter.emit({ type: "job_started", job_id: job.id });
    const started = performance.now();
    const deadline = job.timeoutSec === undefined ? undefined : Date.now() + job.timeoutSec * 1000;
    const execution = loaded.vm.runJob(job.index, job.id, deadline);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ status: "timeout" }>((resolve) => {
      if (job.timeoutSec === undefined) return;
      timer = setTimeout(() => resolve({ status: "timeout" }), job.timeoutSec * 1000);
    });
    const status = await Promise.race([execution, timeout]);
    clearTimeout(timer);

    const base = { id: job.id, allowFailure: job.allowFailure, durationMs: Math.round(performance.now() - started) };
    let result: JobResult;
    if (status.status === "timeout") {
      state.aborted = `timed out after ${seconds(job.timeoutSec!)}`;
      for (const child of state.children) child.kill("SIGKILL");
      this.stragglers.push(execution);
      // Let the killed commands record their sh_finished before the job's end.
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...state.inflight]), new Promise((r) => (wait = setTimeout(r, 3000)))]);
      clearTimeout(wait);
      result = { ...base, state: "failed", timedOut: true, error: `${posText(job)}: job "${job.id}" timed out after ${seconds(job.timeoutSec!)}` };
    } else if (state.aborted?.startsWith("stopped: ")) {
      result = { ...base, state: "failed", error: `${posText(job)}: job "${job.id}" ${state.aborted}` };
    } else if (status.status === "error") {
      // Errors raised without a position (error x 0) still say which job declaration they belong to.
      const { message } = status;
      const error = /^[^\s:]+\.fnl:\d+:/.test(message) ? message : `${posText(job)}: ${message}`;
      result = { ...base, state: "failed", error };
    } else if (status.status === "exit") {
      const from = status.cmd ? ` (${status.cmd})` : "";
      result = { ...base, state: "failed", error: `${posText(job)}: job "${job.id}" returned exit ${status.exit}${from}` };
    } else {
      result = { ...base, state: "complete" };
    }
    if (result.error !== undefined) result.error = ctx.redactor.redact(result.error);
    await closeJobLog(state);
    ctx.emitter.emit({
      type: "job_finished",
      job_id: job.id,
      outcome: result.state === "complete" ? "complete" : "failed",
      ...(result.error === undefined ? {} : { error: result.error }),
      ...(result.timedOut ? { timed_out: true } : {}),
    });
    return result;
  }
}
