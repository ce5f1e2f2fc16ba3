// Loading the global <data>/config.fnl (SPEC §8) with fennel-js: evaluate the
// file in a sandboxed VM, then check the one table it returns against the
// known keys. Defaults and range checks live in config/types.ts.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createVM, FennelError } from "fennel-js";
import type { SecretSource, ServerConfig } from "./types.js";
import { trustedProxyList } from "./trusted-proxies.js";

/** A config file that cannot be used; `problems` are `file:line:col: message` lines. */
export class ConfigFileError extends Error {
  readonly file: string;
  readonly problems: string[];
  constructor(file: string, problems: string[], options?: { cause?: unknown }) {
    super(`${file} cannot be used:\n${problems.map((p) => `  ${p}`).join("\n")}`, options);
    this.name = "ConfigFileError";
    this.file = file;
    this.problems = problems;
  }
}

export interface LoadedConfig {
  /** The values the file sets, ready for resolveServerConfig (flags go over them). */
  config: Partial<ServerConfig>;
  /** Unknown keys and other things worth a look, as `file:line:col: message`. */
  warnings: string[];
  /** False when the file does not exist (defaults apply). */
  present: boolean;
}

/** Keys the file may set. Those mapped to null are read by later features and otherwise ignored. */
const KEYS: Record<string, keyof ServerConfig | null> = {
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
  workspaces: "workspacesDir",
  smtp: null,
  sendmail: null,
  notifications: null,
};

/** Where `:key` (or `"key"`) first appears in `source`, as line:col (col 0-based, like fennel-js). */
function keyPosition(source: string, key: string): string {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(^|[\\s{(\\[])(:${escaped}|"${escaped}")(?=[\\s)}\\]]|$)`, "m");
  const m = re.exec(source);
  if (m === null) return "1:0";
  const offset = m.index + m[1]!.length;
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return `${line}:${offset - (before.lastIndexOf("\n") + 1)}`;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === undefined) return "nil";
  if (Array.isArray(v)) return "a sequence";
  if (isTable(v)) return "a table";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Evaluate the file's Fennel in a sandboxed VM; resolves to its first return value. */
async function evaluate(source: string, file: string): Promise<unknown> {
  const vm = await createVM({ profile: "pipeline", root: path.dirname(file) });
  try {
    const values = await vm.evalString(source, { filename: file });
    return values[0];
  } finally {
    vm.close();
  }
}

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
  let value: unknown;
  try {
    value = await evaluate(source, file);
  } catch (e) {
    if (e instanceof FennelError) throw new ConfigFileError(file, [e.message.split("\n")[0]!, ...e.hints], { cause: e });
    const message = e instanceof Error ? e.message : String(e);
    throw new ConfigFileError(file, [/^[^\s:]+:\d+/.test(message) ? message : `${file}:1:0: ${message}`], { cause: e });
  }
  if (Array.isArray(value) && value.length === 0) value = {};
  if (!isTable(value)) {
    throw new ConfigFileError(file, [`${file}:1:0: the file must end with one table such as {:port 3000}; it gave ${typeName(value)}`]);
  }
  const at = (key: string) => `${file}:${keyPosition(source, key)}`;
  const problems: string[] = [];
  const warnings: string[] = [];
  const config: Partial<ServerConfig> = {};
  const known = Object.keys(KEYS).map((k) => `:${k}`).join(" ");
  // Lua tables have no order: report in the order the keys appear in the file.
  for (const [key, v] of sortBySource(source, Object.entries(value))) {
    if (!(key in KEYS)) {
      warnings.push(`${at(key)}: unknown key :${key} is ignored (known keys: ${known})`);
      continue;
    }
    const bad = (what: string) => problems.push(`${at(key)}: :${key} must be ${what}, got ${typeName(v)}`);
    switch (key) {
      case "port":
        if (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535) config.port = v as number;
        else bad("a whole number 0–65535");
        break;
      case "bind":
        if (typeof v === "string" && v !== "") config.bind = v;
        else bad('an address string such as "127.0.0.1"');
        break;
      case "host":
        if (typeof v === "string" && v !== "") config.host = v;
        else bad('a host name string such as "git.example.org"');
        break;
      case "max-concurrent-runs":
      case "max-parallel-jobs":
        if (Number.isInteger(v) && (v as number) >= 1) config[KEYS[key] as "maxConcurrentRuns" | "maxParallelJobs"] = v as number;
        else bad("a whole number ≥ 1");
        break;
      case "sh-log-cap":
      case "run-log-cap":
        if (Number.isSafeInteger(v) && (v as number) >= 0) config[KEYS[key] as "shLogCapBytes" | "runLogCapBytes"] = v as number;
        else bad("a whole number of bytes ≥ 0, e.g. (* 64 1024 1024)");
        break;
      case "workspaces":
        // A relative path is relative to config.fnl, like secret files; start.ts refuses one inside the data directory.
        if (typeof v === "string" && v !== "") config.workspacesDir = path.resolve(path.dirname(file), v);
        else bad('a directory path such as "/var/cache/quire-workspaces"');
        break;
      case "run-timeout":
        if (typeof v === "number" && v > 0) config.runTimeoutSeconds = v;
        else bad("a number of seconds > 0");
        break;
      case "trusted-proxies":
        if (Array.isArray(v) && v.every((p) => typeof p === "string" && p !== "")) {
          try {
            trustedProxyList(v as string[]);
            config.trustedProxies = v as string[];
          } catch (e) {
            problems.push(`${at(key)}: ${(e as Error).message}`);
          }
        } else if (isTable(v) && Object.keys(v).length === 0) config.trustedProxies = [];
        else bad('a sequence of addresses such as ["127.0.0.1"]');
        break;
      case "http-socket":
        if (typeof v === "string" && v !== "") config.httpSocket = path.resolve(path.dirname(file), v);
        else bad('a socket path string such as "/run/quire/http.sock"');
        break;
      case "secrets": {
        const secrets = readSecrets(v, file, source, (p) => problems.push(`${at(key)}: ${p}`));
        for (const short of secrets === undefined ? [] : shortSecrets(secrets)) {
          warnings.push(
            `${at(key)}: secret ${JSON.stringify(short)} is shorter than ${REDACTION_MIN_BYTES} bytes, so runs cannot redact it from logs, commands or events; use a longer value`,
          );
        }
        if (secrets !== undefined) config.secrets = secrets;
        break;
      }
      default:
        // Read by features that have not landed yet; accepted so a file written for them loads.
        break;
    }
  }
  if (problems.length > 0) throw new ConfigFileError(file, problems);
  return { config, warnings, present: true };
}

function sortBySource<T>(source: string, entries: [string, T][]): [string, T][] {
  const rank = (key: string) => keyPosition(source, key).split(":").map(Number) as [number, number];
  return entries
    .map((e) => ({ e, r: rank(e[0]) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.e[0].localeCompare(b.e[0]))
    .map((x) => x.e);
}

/** Secret values shorter than this are not redacted (quire-ci's runtime/redact.ts uses the same figure). */
export const REDACTION_MIN_BYTES = 8;

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

function readSecrets(v: unknown, file: string, source: string, problem: (p: string) => void): Record<string, SecretSource> | undefined {
  if (Array.isArray(v) && v.length === 0) return {};
  if (!isTable(v)) {
    problem(`:secrets must be a table such as {:deploy-token "…"} or {:deploy-token {:file "/path"}}, got ${typeName(v)}`);
    return undefined;
  }
  const out: Record<string, SecretSource> = {};
  for (const [name, s] of sortBySource(source, Object.entries(v))) {
    if (typeof s === "string") out[name] = s;
    else if (isTable(s) && typeof s.file === "string" && s.file !== "" && Object.keys(s).length === 1) {
      // A relative path is relative to the config file, not to wherever the server was started.
      out[name] = { file: path.resolve(path.dirname(file), s.file) };
    } else problem(`secret ${JSON.stringify(name)} must be a string or {:file "/path"}, got ${typeName(s)}`);
  }
  return out;
}
