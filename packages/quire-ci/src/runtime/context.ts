// What the runtime primitives share during a run: the workspace, the output
// directory, redaction, the event emitter, secrets, and per-job state
// (sh counter, live processes, abort reason).
import type { EventEmitter } from "../events/emitter.js";
import type { Redactor } from "./redact.js";
import type { LogBudget, LogFile, Stream } from "./log-file.js";
import type { Launched, Launcher } from "./launcher.js";
import type { RunStop } from "./run-stop.js";

/** Where secrets come from: the server (GET /api/run/secret/:name) or QUIRE_SECRET_* locally. */
export interface SecretSource {
  /** The value, or undefined when no secret has that name; `jobId` is the job whose (secret …) asked. */
  reveal(name: string, jobId?: string): Promise<string | undefined>;
  /** Known names, for error messages. */
  names(): string[];
  /** How to provide a secret this source lacks (local runs: which variable to set). */
  missingHint?(name: string): string;
}

/** Live output for a terminal; the server mode leaves it out. */
export interface RunObserver {
  onShLine?(jobId: string, n: number, stream: Stream, line: string): void;
  onLog?(jobId: string, message: string): void;
}

export interface JobState {
  id: string;
  shCount: number;
  children: Set<Launched>;
  /** sh calls not yet finished (their sh_finished still to come). */
  inflight: Set<Promise<unknown>>;
  /** False for a `:network false` job (or pipeline): its sh commands run without a network. */
  network: boolean;
  /** Set when the job was judged while still running (timeout): later sh calls refuse. */
  aborted?: string;
  logDirMade?: boolean;
  /** jobs/<job>/log.log, open while the job writes `(log …)` messages. */
  messages?: LogFile;
}

export interface RuntimeContext {
  /** Real path of the workspace. */
  workspace: string;
  outDir: string;
  redactor: Redactor;
  emitter: EventEmitter;
  /** The environment sh commands inherit: quire-ci's own, minus QUIRE__* variables. */
  baseEnv: Record<string, string>;
  secrets: SecretSource;
  observer?: RunObserver;
  jobs: Map<string, JobState>;
  /** How sh starts processes; default: spawn directly. */
  launcher?: Launcher;
  /** Byte caps on the run's log files. */
  logBudget: LogBudget;
  /** Set when the run must stop (a run file could not be written). */
  stop: RunStop;
}

/** Host results cross into Lua as tables; Lua raises `error` at the caller's line. */
export type HostResult = { ok: true; value?: unknown } | { ok: false; error: string };

export function ok(value?: unknown): HostResult {
  return value === undefined ? { ok: true } : { ok: true, value };
}
export function fail(error: string): HostResult {
  return { ok: false, error };
}
