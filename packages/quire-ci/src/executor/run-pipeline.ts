// One run from start to run_finished: load the pipeline (a compile or
// validation error ends the run as pipeline-failure), execute the jobs, emit
// run_finished, clean up processes and the VM. Shared by server and local mode.
import type { PipelineJob, PushOutputs } from "@quire/shared";
import { ENV_INTERNAL_PREFIX } from "../wire.js";
import { PipelineError } from "../errors.js";
import type { EventEmitter } from "../events/emitter.js";
import type { CompileFn } from "../pipeline/compile.js";
import { ancestorsOf } from "../pipeline/graph.js";
import { loadPipeline, type LoadedPipeline } from "../pipeline/load.js";
import type { JobSpec } from "../pipeline/types.js";
import type { RunObserver, RuntimeContext, SecretSource } from "../runtime/context.js";
import type { Redactor } from "../runtime/redact.js";
import { killAllGroups, type Launcher } from "../runtime/launcher.js";
import { newLogBudget, type LogLimits } from "../runtime/log-file.js";
import { RunStop } from "../runtime/run-stop.js";
import { Executor } from "./executor.js";
import { runOutcome, type RunResult } from "./outcome.js";

export interface RunPipelineOptions {
  /** Real path of the workspace. */
  workspace: string;
  outDir: string;
  push: PushOutputs;
  /** When the server queued the run: `pushed-at` for runs whose push outputs lack the push time. */
  queuedAtMs?: number;
  secrets: SecretSource;
  maxParallel: number;
  emitter: EventEmitter;
  redactor: Redactor;
  compile: CompileFn;
  /** The pipeline already loading (server mode starts it before the bootstrap answer); default: load it here. */
  loading?: Promise<LoadedPipeline>;
  observer?: RunObserver;
  /** Messages for quire-ci's own log (stderr). */
  warn?: (message: string) => void;
  /** The environment sh inherits before QUIRE__* is stripped; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How sh starts processes (the CLI passes a spawn helper); default: directly. */
  launcher?: Launcher;
  /** Byte caps on log files and the free space they must leave on outDir's filesystem (defaults: see log-file.ts, free-space.ts). */
  logCaps?: LogLimits;
  /** Most bytes the pipeline's Lua may hold (:pipeline-memory); a VM loaded before it was known gets it for the jobs. */
  memoryLimitBytes?: number;
  /** Shared with the event sinks, which stop the run when events.jsonl cannot be written. */
  stop?: RunStop;
}

/** The environment sh commands inherit: everything but QUIRE__* variables. */
export function shEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !k.startsWith(ENV_INTERNAL_PREFIX)) out[k] = v;
  }
  return out;
}

/** An RFC 3339 UTC time as upstream quire prints one: `2026-04-28T12:00:00Z`, fractions only when there are some. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** `:quire/push` as Fennel sees it: kebab-case keys, absent values left out; `pushed-at` falls back to `queuedAtMs`. */
export function pushForLua(push: PushOutputs, queuedAtMs?: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    sha: push.sha,
    ref: push.ref,
    "files-changed": push.files_changed,
    "commit-message": push.commit_message,
    repo: push.repo,
  };
  const pushedAt = push.pushed_at_ms ?? queuedAtMs;
  if (pushedAt !== undefined) out["pushed-at"] = rfc3339(pushedAt);
  if (push.branch !== null) out.branch = push.branch;
  if (push.tag !== null) out.tag = push.tag;
  if (push.previous_sha !== null) out["previous-sha"] = push.previous_sha;
  if (push.pusher !== null) out.pusher = push.pusher;
  return out;
}

/** A job as the pipeline_validated event carries it. */
function pipelineJob(job: JobSpec): PipelineJob {
  return {
    job_id: job.id,
    inputs: [...job.inputs],
    allow_failure: job.allowFailure,
    ...(job.timeoutSec === undefined ? {} : { timeout_ms: Math.max(1, Math.round(job.timeoutSec * 1000)) }),
  };
}

/** What runPipeline returns: the run's result, and why it stopped when it could not go on. */
export type PipelineRunResult = RunResult & { loaded?: LoadedPipeline; stopped?: { reason: string; storage: boolean } };

export async function runPipeline(options: RunPipelineOptions): Promise<PipelineRunResult> {
  const { emitter } = options;
  const stop = options.stop ?? new RunStop();
  let loaded: LoadedPipeline;
  try {
    loaded = await (options.loading ??
      loadPipeline({
        workspace: options.workspace,
        compile: options.compile,
        ...(options.memoryLimitBytes !== undefined ? { memoryLimitBytes: options.memoryLimitBytes } : {}),
        ...(options.warn ? { warn: options.warn } : {}),
      }));
    if (options.memoryLimitBytes !== undefined) loaded.vm.setMemoryLimit(options.memoryLimitBytes);
  } catch (e) {
    if (!(e instanceof PipelineError)) throw e;
    const error = e.summary();
    options.warn?.(e.message);
    emitter.emit({ type: "run_finished", outcome: "pipeline-failure", error });
    return { outcome: "pipeline-failure", error, jobs: [] };
  }

  const ctx: RuntimeContext = {
    workspace: options.workspace,
    outDir: options.outDir,
    redactor: options.redactor,
    emitter,
    baseEnv: shEnvironment(options.env ?? process.env),
    secrets: options.secrets,
    jobs: new Map(),
    logBudget: newLogBudget(options.logCaps, options.outDir),
    stop,
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.launcher ? { launcher: options.launcher } : {}),
  };
  loaded.binding.ctx = ctx;
  const ancestors: Record<string, string[]> = {};
  for (const job of loaded.pipeline.jobs) ancestors[job.id] = [...ancestorsOf(loaded.pipeline.jobs, job.id)];
  const executor = new Executor({ loaded, ctx, maxParallel: options.maxParallel });
  // The job graph, before any job runs: the server draws it and knows the pipeline validated.
  emitter.emit({ type: "pipeline_validated", jobs: loaded.pipeline.jobs.map(pipelineJob) });
  try {
    await loaded.vm.prepare(pushForLua(options.push, options.queuedAtMs), ancestors);
    const jobs = await executor.run();
    if (stop.reason !== undefined) {
      // Not judged: no run_finished. The exit status tells the server why (see cli/server-run.ts).
      options.warn?.(stop.reason);
      return { outcome: "pipeline-failure", error: stop.reason, jobs, loaded, stopped: { reason: stop.reason, storage: stop.storage } };
    }
    const { outcome, error } = runOutcome(jobs);
    emitter.emit({ type: "run_finished", outcome, ...(error === undefined ? {} : { error }) });
    return { outcome, ...(error === undefined ? {} : { error }), jobs, loaded };
  } finally {
    // Background processes started by sh calls do not outlive the run.
    killAllGroups("SIGKILL");
    // A VM with a run-fn still unwinding must stay open; the process is ending anyway.
    if (await executor.settle()) loaded.vm.close();
  }
}
