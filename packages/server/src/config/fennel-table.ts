// What every Fennel config file shares (global config.fnl and a repo's
// .quire/config.fnl): evaluating it in a sandboxed VM, finding where a key is
// written, describing values in messages, and collecting positioned problems.
import path from "node:path";
import { createVM, FennelError } from "fennel-js";

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

/** A config file may not compute for longer than this (a loop in it is a mistake). */
export const CONFIG_EVAL_TIMEOUT_MS = 5000;

/**
 * Evaluate `source` (named `file` in messages) in a pipeline-profile VM and
 * return its first value; an empty sequence counts as an empty table. Throws
 * ConfigFileError with fennel-js's `file:line:col` message.
 */
export async function evaluateConfig(source: string, file: string, options: { root?: string; timeoutMs?: number } = {}): Promise<unknown> {
  let value: unknown;
  try {
    const vm = await createVM({ profile: "pipeline", root: options.root ?? path.dirname(file) });
    try {
      value = (await vm.evalString(source, { filename: file, timeoutMs: options.timeoutMs ?? CONFIG_EVAL_TIMEOUT_MS }))[0];
    } finally {
      vm.close();
    }
  } catch (e) {
    if (e instanceof FennelError) throw new ConfigFileError(file, [e.message.split("\n")[0]!, ...e.hints], { cause: e });
    const message = e instanceof Error ? e.message : String(e);
    throw new ConfigFileError(file, [/^[^\s:]+:\d+/.test(message) ? message : `${file}:1:0: ${message}`], { cause: e });
  }
  if (Array.isArray(value) && value.length === 0) return {};
  return value;
}

/** Where `:key` (or `"key"`) first appears in `source`, as line:col (col 0-based, like fennel-js). */
export function keyPosition(source: string, key: string): string {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(^|[\\s{(\\[])(:${escaped}|"${escaped}")(?=[\\s)}\\]]|$)`, "m");
  const m = re.exec(source);
  if (m === null) return "1:0";
  const offset = m.index + m[1]!.length;
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return `${line}:${offset - (before.lastIndexOf("\n") + 1)}`;
}

export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A Lua value as a message shows it: `a table`, `string "80"`, `nil`. */
export function typeName(v: unknown): string {
  if (v === undefined) return "nil";
  if (Array.isArray(v)) return "a sequence";
  if (isTable(v)) return "a table";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Lua tables have no order: entries in the order their keys appear in the file. */
export function sortBySource<T>(source: string, entries: [string, T][]): [string, T][] {
  const rank = (key: string) => keyPosition(source, key).split(":").map(Number) as [number, number];
  return entries
    .map((e) => ({ e, r: rank(e[0]) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.e[0].localeCompare(b.e[0]))
    .map((x) => x.e);
}

/** A sequence of strings, or an empty table (Lua cannot tell `[]` from `{}`); undefined otherwise. */
export function stringList(v: unknown): string[] | undefined {
  if (Array.isArray(v) && v.every((s) => typeof s === "string")) return v as string[];
  if (isTable(v) && Object.keys(v).length === 0) return [];
  return undefined;
}

/** Collects problems and warnings of one file, each at the position of the key it is about. */
export class ConfigReport {
  readonly problems: string[] = [];
  readonly warnings: string[] = [];
  constructor(
    readonly file: string,
    readonly source: string,
  ) {}

  /** `file:line:col` of the first place `key` is written. */
  at(key: string): string {
    return `${this.file}:${keyPosition(this.source, key)}`;
  }

  problem(key: string, message: string): void {
    this.problems.push(`${this.at(key)}: ${message}`);
  }

  warn(key: string, message: string): void {
    this.warnings.push(`${this.at(key)}: ${message}`);
  }

  /** Entries of a table in file order. */
  entries<T>(table: Record<string, T>): [string, T][] {
    return sortBySource(this.source, Object.entries(table));
  }
}
