// `(sh cmd opts?)`: a string runs under `sh -c`, a sequence is an argv (no
// shell). Emits sh_started/sh_finished, streams output to
// jobs/<job>/sh-<n>.log as it arrives, returns {:exit :stdout :stderr :cmd}.
import fs from "node:fs";
import path from "node:path";
import { cutReason, LogFile } from "./log-file.js";
import { fail, ok, type HostResult, type JobState, type RuntimeContext } from "./context.js";
import { directLauncher } from "./launcher.js";
import { jobLogDir } from "./log.js";
import { noNetworkPrefix } from "./no-network.js";
import { formatArgv } from "./shell-quote.js";
import { resolveInWorkspace } from "./workspace-path.js";

const SH_OPTIONS = ["env", "cwd", "check", "timeout"];
/** After SIGTERM on timeout, how long before SIGKILL. */
const KILL_GRACE_MS = 2000;

interface ShOptions {
  env?: Record<string, string>;
  cwd?: string;
  check: boolean;
  timeoutSec?: number;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  if (Array.isArray(v)) return "a sequence";
  if (typeof v === "object") return "a table";
  return `a ${typeof v}`;
}

function parseCommand(cmd: unknown): { argv: string[]; shell: boolean; display: string } | string {
  if (typeof cmd === "string") {
    if (cmd.trim().length === 0) return "sh: the command string is empty";
    return { argv: ["sh", "-c", cmd], shell: true, display: cmd };
  }
  if (Array.isArray(cmd)) {
    if (cmd.length === 0) return "sh: the argv sequence is empty; pass at least the program, e.g. [\"make\" \"test\"]";
    const bad = cmd.findIndex((w) => typeof w !== "string");
    if (bad >= 0) {
      return `sh: argv element ${bad + 1} is ${typeName(cmd[bad])}; every element must be a string (use (tostring x) for numbers)`;
    }
    return { argv: cmd as string[], shell: false, display: formatArgv(cmd as string[]) };
  }
  if (cmd && typeof cmd === "object" && Object.keys(cmd).length === 0) {
    return "sh: the argv sequence is empty; pass at least the program, e.g. [\"make\" \"test\"]";
  }
  return `sh: expected a command string or a sequence of strings, got ${typeName(cmd)}`;
}

function parseOptions(opts: unknown): ShOptions | string {
  const out: ShOptions = { check: false };
  if (opts === null || opts === undefined) return out;
  if (typeof opts !== "object" || Array.isArray(opts)) return `sh: options must be a table such as {:check true}, got ${typeName(opts)}`;
  for (const [key, value] of Object.entries(opts as Record<string, unknown>)) {
    switch (key) {
      case "env": {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          return `sh: :env must be a table of names to strings, got ${typeName(value)}`;
        }
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (typeof v !== "string" && typeof v !== "number") return `sh: :env value for ${k} must be a string, got ${typeName(v)}`;
          env[k] = String(v);
        }
        out.env = env;
        break;
      }
      case "cwd":
        if (typeof value !== "string") return `sh: :cwd must be a path string relative to the workspace, got ${typeName(value)}`;
        out.cwd = value;
        break;
      case "check":
        if (typeof value !== "boolean") return `sh: :check must be true or false, got ${typeName(value)}`;
        out.check = value;
        break;
      case "timeout":
        if (typeof value !== "number" || !(value > 0)) return `sh: :timeout must be a positive number of seconds, got ${typeName(value)}`;
        out.timeoutSec = value;
        break;
      default:
        return `sh: unknown option :${key}; known options are ${SH_OPTIONS.map((o) => ":" + o).join(" ")}`;
    }
  }
  return out;
}

/** Most output (per stream) handed back to the pipeline; the log always has all of it. */
const MAX_RETURNED_BYTES = 16 * 1024 * 1024;

/** Collects a stream for the return value, up to MAX_RETURNED_BYTES. */
class Captured {
  private chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;
  push(chunk: Buffer): void {
    if (this.size >= MAX_RETURNED_BYTES) {
      this.truncated = true;
      return;
    }
    const room = MAX_RETURNED_BYTES - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept !== chunk) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }
  text(): string {
    const s = Buffer.concat(this.chunks).toString("utf8");
    return this.truncated ? `${s}\n[quire-ci: output cut at ${MAX_RETURNED_BYTES} bytes; the log has all of it]\n` : s;
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

export async function shPrimitive(ctx: RuntimeContext, job: JobState, cmd: unknown, rawOpts: unknown): Promise<HostResult> {
  if (job.aborted) return fail(`sh: job "${job.id}" ${job.aborted}; no more commands run`);
  const command = parseCommand(cmd);
  if (typeof command === "string") return fail(command);
  const opts = parseOptions(rawOpts);
  if (typeof opts === "string") return fail(opts);
  let cwd = ctx.workspace;
  if (opts.cwd !== undefined) {
    try {
      cwd = resolveInWorkspace(ctx.workspace, opts.cwd, "sh: :cwd");
    } catch (e) {
      return fail((e as Error).message);
    }
    if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) {
      return fail(`sh: :cwd ${JSON.stringify(opts.cwd)} is not a directory in the workspace`);
    }
  }

  let argv = command.argv;
  if (!job.network) {
    const how = noNetworkPrefix();
    if ("problem" in how) return fail(`sh: job "${job.id}" has :network false, but ${how.problem}; the command was not run`);
    argv = [...how.prefix, ...argv];
  }

  const n = ++job.shCount;
  const shown = ctx.redactor.redact(command.display);
  ctx.emitter.emit({ type: "sh_started", job_id: job.id, n, cmd: shown });
  let logDir: string;
  try {
    logDir = jobLogDir(ctx, job.id);
  } catch (e) {
    ctx.stop.writeFailed(e as NodeJS.ErrnoException, path.join(ctx.outDir, "jobs", job.id));
    ctx.emitter.emit({ type: "sh_finished", job_id: job.id, n, exit_code: 126 });
    return fail(`sh: ${ctx.stop.reason}`);
  }
  const onShLine = ctx.observer?.onShLine;
  // Opened and closed in this thread: cheaper per sh than the thread pool's
  // hand-offs. Created at the first output: a new file costs more than the
  // rest of a quiet sh's bookkeeping; a failed sh keeps its (empty) log.
  const log = new LogFile(path.join(logDir, `sh-${n}.log`), {
    sync: true,
    quiet: true,
    redactor: ctx.redactor,
    budget: ctx.logBudget,
    ...(onShLine ? { onLine: (stream: "stdout" | "stderr", line: string) => onShLine.call(ctx.observer, job.id, n, stream, line) } : {}),
    onWriteError: (e, file) => ctx.stop.writeFailed(e, file),
  });
  const env = opts.env ? { ...ctx.baseEnv, ...opts.env } : ctx.baseEnv;
  const out = new Captured();
  const err = new Captured();

  const launcher = ctx.launcher ?? directLauncher;
  const exit = await new Promise<number>((resolve) => {
    let settled = false;
    let exitCode: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      job.children.delete(running);
      resolve(code);
    };
    const running = launcher.launch(argv, { cwd, env }, {
      onData(stream, chunk) {
        (stream === "stdout" ? out : err).push(chunk);
        log.write(stream, chunk);
      },
      onError(code, message) {
        const msg = code === "ENOENT" ? `${command.argv[0]}: command not found` : `cannot start ${command.argv[0]}: ${message}`;
        log.note(`quire-ci: ${msg}`);
        err.push(Buffer.from(msg + "\n"));
        exitCode = code === "ENOENT" ? 127 : 126;
      },
      onExit(code, signal) {
        exitCode = timedOut ? 124 : code ?? 128 + (signal ? SIGNALS[signal] ?? 1 : 1);
      },
      onClose() {
        finish(exitCode ?? 1);
      },
    });
    job.children.add(running);
    if (opts.timeoutSec !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        log.note(`quire-ci: sh timed out after ${opts.timeoutSec}s; killing it`);
        running.kill("SIGTERM");
        killTimer = setTimeout(() => running.kill("SIGKILL"), KILL_GRACE_MS);
      }, opts.timeoutSec * 1000);
    }
  });
  const summary = await log.close({ keep: exit !== 0 });
  const cut = summary.cut;
  if (cut) {
    process.stderr.write(`quire-ci: job ${job.id} sh ${n}: log cut: ${cutReason(cut)}; ${cut.droppedBytes} bytes of output not kept\n`);
  }
  ctx.emitter.emit({
    type: "sh_finished",
    job_id: job.id,
    n,
    exit_code: exit,
    ...(cut ? { log_cut: { cap: cut.cap, limit_bytes: cut.limitBytes, dropped_bytes: cut.droppedBytes } } : {}),
  });
  if (summary.writeError) return fail(`sh: ${ctx.stop.reason ?? `could not write ${log.file}`}`);
  const result = {
    exit,
    stdout: out.text(),
    stderr: err.text(),
    cmd: shown,
  };
  if (opts.check && exit !== 0) {
    return fail(`sh: command exited with code ${exit}: ${shown}`);
  }
  if (job.aborted) return fail(`sh: job "${job.id}" ${job.aborted}`);
  return ok(result);
}
