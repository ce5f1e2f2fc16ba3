// The launcher keys of config.fnl (docs/deploy.md, SCALING.md): :launcher,
// :limits, :sandbox-user, :sandbox-binds and :runner-timeout, read into
// ServerConfig with every problem reported at its key. load.ts dispatches here.
import { checkLimits, DEFAULT_RUN_LIMITS, type RunLimits } from "../runs/launchers/limits.js";
import { type ConfigReport, isTable, typeName } from "./fennel-table.js";
import type { ServerConfig } from "./types.js";

/** The keys this file reads, as config.fnl spells them, and their ServerConfig fields. */
export const LAUNCHER_KEYS = {
  launcher: "launcher",
  limits: "limits",
  "sandbox-user": "sandboxUser",
  "sandbox-binds": "sandboxBinds",
  "runner-timeout": "runnerTimeoutSeconds",
} as const satisfies Record<string, keyof ServerConfig>;

const LIMIT_KEYS: Record<string, keyof RunLimits> = { memory: "memoryBytes", processes: "processes", "cpu-time": "cpuSeconds" };

/** `:limits {:memory B :processes N :cpu-time S}`: any subset, over the defaults. */
function readLimits(v: unknown, report: ConfigReport): RunLimits | undefined {
  if (!isTable(v)) {
    report.problem("limits", `:limits must be a table such as {:memory (* 2 1024 1024 1024) :processes 512 :cpu-time 3600}, got ${typeName(v)}`);
    return undefined;
  }
  const limits: RunLimits = { ...DEFAULT_RUN_LIMITS };
  let ok = true;
  for (const [k, value] of report.entries(v)) {
    const field = LIMIT_KEYS[k];
    if (field === undefined) {
      report.problem("limits", `:limits has an unknown key :${k} (known: :memory :processes :cpu-time)`);
      ok = false;
    } else if (typeof value !== "number") {
      report.problem("limits", `:limits {:${k} …} must be a number, got ${typeName(value)}`);
      ok = false;
    } else limits[field] = value;
  }
  try {
    checkLimits(limits);
  } catch (e) {
    report.problem("limits", (e as Error).message);
    ok = false;
  }
  return ok ? limits : undefined;
}

/** Read one launcher key into `config`; false when `key` is not one of them. */
export function readLauncherKey(key: string, v: unknown, config: Partial<ServerConfig>, report: ConfigReport): boolean {
  const bad = (what: string) => report.problem(key, `:${key} must be ${what}, got ${typeName(v)}`);
  switch (key) {
    case "launcher":
      if (v === "local" || v === "bwrap" || v === "remote") config.launcher = v;
      else bad('"local", "bwrap" or "remote"');
      return true;
    case "limits": {
      const limits = readLimits(v, report);
      if (limits !== undefined) config.limits = limits;
      return true;
    }
    case "sandbox-user":
      if ((typeof v === "string" && v !== "") || (Number.isInteger(v) && (v as number) > 0)) config.sandboxUser = v as string | number;
      else bad('a user name such as "nobody", or a uid > 0');
      return true;
    case "sandbox-binds":
      if (Array.isArray(v) && v.every((p) => typeof p === "string" && p.startsWith("/"))) config.sandboxBinds = v as string[];
      else if (isTable(v) && Object.keys(v).length === 0) config.sandboxBinds = [];
      else bad('a sequence of absolute paths such as ["/opt/toolchains"]');
      return true;
    case "runner-timeout":
      if (typeof v === "number" && v > 0) config.runnerTimeoutSeconds = v;
      else bad("a number of seconds > 0");
      return true;
    default:
      return false;
  }
}
