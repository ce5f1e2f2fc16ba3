// The server's configuration (SPEC §8) as TypeScript, with defaults and range
// checks. config.fnl loading lives in config/load.ts; command-line flags
// override what it yields.
import { ConfigError } from "../errors.js";
import { isLauncherName, type LauncherName } from "../runs/launchers/launcher.js";
import { checkLimits, DEFAULT_RUN_LIMITS, type RunLimits } from "../runs/launchers/limits.js";
import { trustedProxyList } from "./trusted-proxies.js";
import type { MirrorTarget } from "./mirrors.js";
import type { NotificationSettings, SmtpSettings } from "./notifications.js";
import { DEFAULT_RETENTION, type RetentionPolicy } from "./retention.js";

/** A secret's value, or a file read at use (one trailing newline stripped). */
export type SecretSource = string | { file: string };

export interface ServerConfig {
  /** HTTP port (:port). */
  port: number;
  /** Address the HTTP server binds (:bind). */
  bind: string;
  /** Host name for clone URLs (:host); null = derive from the request. */
  host: string | null;
  /** Secrets runs may reveal (:secrets). */
  secrets: Record<string, SecretSource>;
  /** How many runs execute at once (:max-concurrent-runs). */
  maxConcurrentRuns: number;
  /** How many independent jobs of a run may run at once (:max-parallel-jobs), passed to quire-ci. */
  maxParallelJobs: number;
  /** Seconds a run may stay active before the watchdog stops it (:run-timeout). */
  runTimeoutSeconds: number;
  /** Addresses or CIDR blocks whose Remote-User header is believed (:trusted-proxies). */
  trustedProxies: string[];
  /** A Unix socket the web view also listens on, for a reverse proxy on this host (:http-socket); its requests are trusted. */
  httpSocket: string | null;
  /** Most bytes one sh log may hold (:sh-log-cap); the log says where it was cut. */
  shLogCapBytes: number;
  /** Most bytes all logs of one run may hold together (:run-log-cap). */
  runLogCapBytes: number;
  /** Bytes the logs of runs must leave free on the filesystem of the run directory (:log-free-space; 0: no reserve); null = quire-ci's default, 256 MiB or 5% of that filesystem when less. */
  logFreeSpaceBytes: number | null;
  /** Most bytes a pipeline's Lua may hold (:pipeline-memory); past it the run fails at the ci.fnl line. */
  pipelineMemoryBytes: number;
  /** Where runs' workspaces go (:workspaces), outside the data directory; null = a private directory under the system's temporary directory. */
  workspacesDir: string | null;
  /** Default mirror targets of every repo without its own :mirrors (:mirrors). */
  mirrors: MirrorTarget[];
  /** Default notification settings; a repo's :notifications override them key by key (:notifications). */
  notifications: NotificationSettings;
  /** Mail through an SMTP server (:smtp). */
  smtp: SmtpSettings | null;
  /** Mail through a sendmail-compatible command, as argv (:sendmail). */
  sendmail: string[] | null;
  /** Default retention of finished runs; a repo's :retention overrides it (:retention). */
  retention: RetentionPolicy;
  /** Seconds between the attempts of a failed mirror push or notification; its length is the number of retries (:retry-delays). */
  retryDelaysSeconds: number[];
  /** Where runs execute (:launcher); null: bwrap where it is on PATH, else local. */
  launcher: LauncherName | null;
  /** Memory, processes and CPU time of one sandboxed run (:limits). */
  limits: RunLimits;
  /** The user a bwrap run becomes when the server runs as root (:sandbox-user). */
  sandboxUser: string | number;
  /** More host paths a bwrap sandbox may read (:sandbox-binds). */
  sandboxBinds: string[];
  /** Seconds without a word from a runner before its runs are runner-lost (:runner-timeout). */
  runnerTimeoutSeconds: number;
}

export const DEFAULT_SERVER_CONFIG: Readonly<ServerConfig> = Object.freeze({
  port: 3000,
  bind: "127.0.0.1",
  host: null,
  secrets: {},
  maxConcurrentRuns: 1,
  maxParallelJobs: 1,
  runTimeoutSeconds: 3600,
  trustedProxies: [],
  httpSocket: null,
  shLogCapBytes: 64 * 1024 * 1024,
  runLogCapBytes: 256 * 1024 * 1024,
  logFreeSpaceBytes: null,
  pipelineMemoryBytes: 512 * 1024 * 1024,
  workspacesDir: null,
  mirrors: [],
  notifications: {},
  smtp: null,
  sendmail: null,
  retention: DEFAULT_RETENTION,
  retryDelaysSeconds: [10, 60, 300, 1800],
  launcher: null,
  limits: DEFAULT_RUN_LIMITS,
  sandboxUser: "nobody",
  sandboxBinds: [],
  runnerTimeoutSeconds: 30,
});

/** `partial` over the defaults, checked; throws ConfigError naming the key. */
export function resolveServerConfig(partial: Partial<ServerConfig> = {}): ServerConfig {
  const c: ServerConfig = { ...DEFAULT_SERVER_CONFIG, ...stripUndefined(partial) };
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) throw new ConfigError("port", `must be a whole number 0–65535, got ${JSON.stringify(c.port)}`);
  if (typeof c.bind !== "string" || c.bind === "") throw new ConfigError("bind", `must be an address such as "127.0.0.1", got ${JSON.stringify(c.bind)}`);
  wholeAtLeast("max-concurrent-runs", c.maxConcurrentRuns, 1);
  wholeAtLeast("max-parallel-jobs", c.maxParallelJobs, 1);
  wholeAtLeast("sh-log-cap", c.shLogCapBytes, 0);
  wholeAtLeast("run-log-cap", c.runLogCapBytes, 0);
  if (c.logFreeSpaceBytes !== null) wholeAtLeast("log-free-space", c.logFreeSpaceBytes, 0);
  wholeAtLeast("pipeline-memory", c.pipelineMemoryBytes, 1);
  if (typeof c.runTimeoutSeconds !== "number" || !(c.runTimeoutSeconds > 0)) {
    throw new ConfigError("run-timeout", `must be a number of seconds > 0, got ${JSON.stringify(c.runTimeoutSeconds)}`);
  }
  trustedProxyList(c.trustedProxies);
  if (c.launcher !== null && !isLauncherName(c.launcher)) throw new ConfigError("launcher", `must be "local", "bwrap" or "remote", got ${JSON.stringify(c.launcher)}`);
  try {
    checkLimits(c.limits);
  } catch (e) {
    throw new ConfigError("limits", (e as Error).message);
  }
  if (typeof c.runnerTimeoutSeconds !== "number" || !(c.runnerTimeoutSeconds > 0)) {
    throw new ConfigError("runner-timeout", `must be a number of seconds > 0, got ${JSON.stringify(c.runnerTimeoutSeconds)}`);
  }
  if (!Array.isArray(c.sandboxBinds) || !c.sandboxBinds.every((p) => typeof p === "string" && p.startsWith("/"))) {
    throw new ConfigError("sandbox-binds", `must be a sequence of absolute paths, got ${JSON.stringify(c.sandboxBinds)}`);
  }
  for (const [name, source] of Object.entries(c.secrets)) {
    const ok = typeof source === "string" || (typeof source === "object" && source !== null && typeof source.file === "string");
    if (!ok) throw new ConfigError("secrets", `secret ${JSON.stringify(name)} must be a string or {:file "/path"}`);
  }
  if (!Array.isArray(c.retryDelaysSeconds) || !c.retryDelaysSeconds.every((d) => typeof d === "number" && d >= 0 && Number.isFinite(d))) {
    throw new ConfigError("retry-delays", `must be a sequence of seconds ≥ 0 such as [10 60 300], got ${JSON.stringify(c.retryDelaysSeconds)}`);
  }
  wholeAtLeast("retention :keep-runs-per-ref", c.retention.keepRunsPerRef, 1);
  if (!(c.retention.keepDays >= 0)) throw new ConfigError("retention :keep-days", `must be a number of days ≥ 0, got ${JSON.stringify(c.retention.keepDays)}`);
  return c;
}

function wholeAtLeast(key: string, value: unknown, min: number): void {
  if (!Number.isInteger(value) || (value as number) < min) throw new ConfigError(key, `must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
