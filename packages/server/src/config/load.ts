// Loading the global <data>/config.fnl (SPEC §8) with fennel-js: evaluate the
// file in a sandboxed VM, then check the one table it returns against the
// known keys. Defaults and range checks live in config/types.ts; the
// structured keys are read by mirrors.ts, notifications.ts, retention.ts and launchers.ts.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { REDACTION_MIN_BYTES } from "@quire/shared";
import path from "node:path";
import { ConfigFileError, ConfigReport, evaluateConfig, isTable, typeName } from "./fennel-table.js";
import { LAUNCHER_KEYS, readLauncherKey } from "./launchers.js";
import { readMirrors } from "./mirrors.js";
import { readNotifications, readSendmail, readSmtp } from "./notifications.js";
import { DEFAULT_RETENTION, readRetention } from "./retention.js";
import type { SecretSource, ServerConfig } from "./types.js";
import { trustedProxyList } from "./trusted-proxies.js";

export { ConfigFileError } from "./fennel-table.js";

export interface LoadedConfig {
  /** The values the file sets, ready for resolveServerConfig (flags go over them). */
  config: Partial<ServerConfig>;
  /** Unknown keys and other things worth a look, as `file:line:col: message`. */
  warnings: string[];
  /** False when the file does not exist (defaults apply). */
  present: boolean;
}

/** Keys the file may set. */
const KEYS: Record<string, keyof ServerConfig> = {
  port: "port",
  bind: "bind",
  host: "host",
  secrets: "secrets",
  "max-concurrent-runs": "maxConcurrentRuns",
  "max-parallel-jobs": "maxParallelJobs",
  "run-timeout": "runTimeoutSeconds",
  "trusted-proxies": "trustedProxies",
  "http-socket": "httpSocket",
  "sh-log-cap": "shLogCapBytes",
  "run-log-cap": "runLogCapBytes",
  "log-free-space": "logFreeSpaceBytes",
  "pipeline-memory": "pipelineMemoryBytes",
  workspaces: "workspacesDir",
  mirrors: "mirrors",
  notifications: "notifications",
  smtp: "smtp",
  sendmail: "sendmail",
  retention: "retention",
  "retry-delays": "retryDelaysSeconds",
  ...LAUNCHER_KEYS,
};

/**
 * Load `file`. A missing file gives defaults; a file that does not evaluate,
 * or sets a known key to a value of the wrong kind, throws ConfigFileError
 * with every problem and its position. Unknown keys are warnings.
 */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  let source: string;
  try {
    source = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { config: {}, warnings: [], present: false };
    throw new ConfigFileError(file, [`${file}: cannot read it: ${(e as Error).message}`], { cause: e });
  }
  const value = await evaluateConfig(source, file);
  if (!isTable(value)) {
    throw new ConfigFileError(file, [`${file}:1:0: the file must end with one table such as {:port 3000}; it gave ${typeName(value)}`]);
  }
  const report = new ConfigReport(file, source);
  const config: Partial<ServerConfig> = {};
  const known = Object.keys(KEYS).map((k) => `:${k}`).join(" ");
  for (const [key, v] of report.entries(value)) {
    if (!(key in KEYS)) {
      report.warn(key, `unknown key :${key} is ignored (known keys: ${known})`);
      continue;
    }
    readKey(key, v, config, report);
  }
  checkReferences(config, report);
  if (report.problems.length > 0) throw new ConfigFileError(file, report.problems);
  return { config, warnings: report.warnings, present: true };
}

function readKey(key: string, v: unknown, config: Partial<ServerConfig>, report: ConfigReport): void {
  if (readLauncherKey(key, v, config, report)) return;
  const bad = (what: string) => report.problem(key, `:${key} must be ${what}, got ${typeName(v)}`);
  switch (key) {
    case "port":
      if (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535) config.port = v as number;
      else bad("a whole number 0–65535");
      return;
    case "bind":
      if (typeof v === "string" && v !== "") config.bind = v;
      else bad('an address string such as "127.0.0.1"');
      return;
    case "host":
      if (typeof v === "string" && v !== "") config.host = v;
      else bad('a host name string such as "git.example.org"');
      return;
    case "max-concurrent-runs":
    case "max-parallel-jobs":
      if (Number.isInteger(v) && (v as number) >= 1) config[KEYS[key] as "maxConcurrentRuns" | "maxParallelJobs"] = v as number;
      else bad("a whole number ≥ 1");
      return;
    case "sh-log-cap":
    case "run-log-cap":
      if (Number.isSafeInteger(v) && (v as number) >= 0) config[KEYS[key] as "shLogCapBytes" | "runLogCapBytes"] = v as number;
      else bad("a whole number of bytes ≥ 0, e.g. (* 64 1024 1024)");
      return;
    case "log-free-space":
      if (Number.isSafeInteger(v) && (v as number) >= 0) config.logFreeSpaceBytes = v as number;
      else bad("a whole number of bytes ≥ 0 (0: no reserve), e.g. (* 256 1024 1024)");
      return;
    case "pipeline-memory":
      if (Number.isSafeInteger(v) && (v as number) >= 1) config.pipelineMemoryBytes = v as number;
      else bad("a whole number of bytes ≥ 1, e.g. (* 512 1024 1024)");
      return;
    case "workspaces":
      // A relative path is relative to config.fnl, like secret files; start.ts refuses one inside the data directory.
      if (typeof v === "string" && v !== "") config.workspacesDir = path.resolve(path.dirname(report.file), v);
      else bad('a directory path such as "/var/cache/quire-workspaces"');
      return;
    case "run-timeout":
      if (typeof v === "number" && v > 0) config.runTimeoutSeconds = v;
      else bad("a number of seconds > 0");
      return;
    case "trusted-proxies":
      if (Array.isArray(v) && v.every((p) => typeof p === "string" && p !== "")) {
        try {
          trustedProxyList(v as string[]);
          config.trustedProxies = v as string[];
        } catch (e) {
          report.problem(key, (e as Error).message);
        }
      } else if (isTable(v) && Object.keys(v).length === 0) config.trustedProxies = [];
      else bad('a sequence of addresses such as ["127.0.0.1"]');
      return;
    case "http-socket":
      if (typeof v === "string" && v !== "") config.httpSocket = path.resolve(path.dirname(report.file), v);
      else bad('a socket path string such as "/run/quire/http.sock"');
      return;
    case "secrets": {
      const secrets = readSecrets(v, report);
      for (const short of secrets === undefined ? [] : shortSecrets(secrets)) {
        report.warn(key, `secret ${JSON.stringify(short)} is shorter than ${REDACTION_MIN_BYTES} bytes, so runs cannot redact it from logs, commands or events; use a longer value`);
      }
      if (secrets !== undefined) config.secrets = secrets;
      return;
    }
    case "mirrors": {
      const mirrors = readMirrors(v, report, { allowPlaceholders: true });
      if (mirrors !== undefined) config.mirrors = mirrors;
      return;
    }
    case "notifications": {
      const notifications = readNotifications(v, report, { global: true });
      if (notifications !== undefined) config.notifications = notifications;
      return;
    }
    case "smtp": {
      const smtp = readSmtp(v, report);
      if (smtp !== undefined) config.smtp = smtp;
      return;
    }
    case "sendmail": {
      const sendmail = readSendmail(v, report);
      if (sendmail !== undefined) config.sendmail = sendmail;
      return;
    }
    case "retention": {
      const retention = readRetention(v, report);
      if (retention !== undefined) config.retention = { ...DEFAULT_RETENTION, ...retention };
      return;
    }
    case "retry-delays":
      if (Array.isArray(v) && v.every((d) => typeof d === "number" && d >= 0 && Number.isFinite(d))) config.retryDelaysSeconds = v as number[];
      else if (isTable(v) && Object.keys(v).length === 0) config.retryDelaysSeconds = [];
      else bad("a sequence of seconds ≥ 0 such as [10 60 300 1800]");
      return;
  }
}

/** Secret names used by other keys must be declared in :secrets; one mail transport at most. */
function checkReferences(config: Partial<ServerConfig>, report: ConfigReport): void {
  const declared = Object.keys(config.secrets ?? {});
  const need = (key: string, what: string, name: string | null | undefined) => {
    if (name === null || name === undefined || declared.includes(name)) return;
    report.problem(key, `${what} names the secret ${JSON.stringify(name)}, which :secrets does not declare (declared: ${declared.join(", ") || "none"})`);
  };
  for (const m of config.mirrors ?? []) need(m.url, `mirror ${JSON.stringify(m.url)}`, m.secret);
  need("smtp", ":smtp :password", config.smtp?.password);
  if (config.notifications?.webhook) need("webhook", ":notifications :webhook :secret", config.notifications.webhook.secret);
  if (config.smtp && config.sendmail) report.problem("sendmail", "set :smtp or :sendmail, not both: mail goes through one of them");
  if ((config.notifications?.to?.length ?? 0) > 0 && !config.smtp && !config.sendmail) {
    report.warn("notifications", ":notifications :to is set but neither :smtp nor :sendmail is: no mail can be sent");
  }
}

/** Names of secrets whose value (a file's as it reads now, one trailing newline stripped) is too short to redact. */
function shortSecrets(secrets: Record<string, SecretSource>): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(secrets)) {
    let value: string | undefined;
    if (typeof s === "string") value = s;
    else {
      try {
        value = readFileSync(s.file, "utf8").replace(/\n$/, "");
      } catch {
        value = undefined; // read at use; a missing file is that request's error
      }
    }
    if (value !== undefined && Buffer.byteLength(value) < REDACTION_MIN_BYTES) out.push(name);
  }
  return out;
}

function readSecrets(v: unknown, report: ConfigReport): Record<string, SecretSource> | undefined {
  if (Array.isArray(v) && v.length === 0) return {};
  if (!isTable(v)) {
    report.problem("secrets", `:secrets must be a table such as {:deploy-token "…"} or {:deploy-token {:file "/path"}}, got ${typeName(v)}`);
    return undefined;
  }
  const out: Record<string, SecretSource> = {};
  for (const [name, s] of report.entries(v)) {
    if (typeof s === "string") out[name] = s;
    else if (isTable(s) && typeof s.file === "string" && s.file !== "" && Object.keys(s).length === 1) {
      // A relative path is relative to the config file, not to wherever the server was started.
      out[name] = { file: path.resolve(path.dirname(report.file), s.file) };
    } else report.problem("secrets", `secret ${JSON.stringify(name)} must be a string or {:file "/path"}, got ${typeName(s)}`);
  }
  return out;
}
