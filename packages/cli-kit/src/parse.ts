// argv → the command it names and its validated values, by the declaration
// alone. Command words are matched here; a leaf's options go through
// node:util parseArgs (strict) after a scan that turns an unknown option into
// a "did you mean" error. Every failure is a UsageError naming the command.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";
import { CommandInput, type OptionValue } from "./input.js";
import type { CommandSpec, OptionSpec, ProgramSpec } from "./spec.js";
import { didYouMean } from "./suggest.js";

export type ParseResult<Run> =
  /** Print the help of the last command of `path`; `requested` false means it was a bare group (a usage error). */
  | { kind: "help"; path: readonly CommandSpec<Run>[]; requested: boolean; globals: ReadonlyMap<string, OptionValue> }
  | { kind: "version"; globals: ReadonlyMap<string, OptionValue> }
  | { kind: "run"; path: readonly CommandSpec<Run>[]; command: CommandSpec<Run>; input: CommandInput; globals: ReadonlyMap<string, OptionValue> };

export interface ParseOptions {
  /** False to treat the program's global options as unknown (a command line from a less trusted caller). */
  globals?: boolean;
}

const HELP: OptionSpec = { kind: "boolean", short: "h", summary: "show this help" };
const VERSION: OptionSpec = { kind: "boolean", short: "V", summary: "print the version" };

/** The words of a command path, e.g. "quire ci runs". */
export function commandName(path: readonly CommandSpec<unknown>[]): string {
  return path.map((c) => c.name).join(" ");
}

/** Visible subcommand names and aliases, for matching and suggestions. */
function findSubcommand<Run>(group: CommandSpec<Run>, word: string): CommandSpec<Run> | undefined {
  return group.subcommands?.find((c) => c.name === word || (c.aliases ?? []).includes(word));
}

function visibleNames(group: CommandSpec<unknown>): string[] {
  return (group.subcommands ?? []).filter((c) => !c.hidden).map((c) => c.name);
}

/** The options a command accepts: its own, the globals, and --help. */
export function optionsOf(command: CommandSpec<unknown>, program: ProgramSpec<unknown>, withGlobals: boolean, isRoot: boolean): Record<string, OptionSpec> {
  return {
    ...(command.options ?? {}),
    ...(withGlobals ? (program.globalOptions ?? {}) : {}),
    help: HELP,
    ...(isRoot && program.version !== undefined ? { version: VERSION } : {}),
  };
}

function optionNames(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** Scan option tokens before `--`: unknown names fail with a suggestion; reports whether --help is among them. */
function scanOptions(tokens: readonly string[], options: Record<string, OptionSpec>, where: string, path: string[]): { help: boolean } {
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  let help = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "--") break;
    if (!t.startsWith("-") || t === "-") continue;
    if (t.startsWith("--")) {
      const name = t.slice(2).split("=", 1)[0]!;
      const spec = options[name];
      if (spec === undefined) throw new UsageError(`unknown option ${JSON.stringify(`--${name}`)} for ${where}${didYouMean(`--${name}`, optionNames(options))}`, path);
      if (name === "help") help = true;
      if (spec.kind !== "boolean" && !t.includes("=")) i++;
      continue;
    }
    for (let k = 1; k < t.length; k++) {
      const name = byShort.get(t[k]!);
      if (name === undefined) throw new UsageError(`unknown option ${JSON.stringify(`-${t[k]}`)} for ${where}${didYouMean(`-${t[k]}`, optionNames(options))}`, path);
      if (name === "help") help = true;
      if (options[name]!.kind !== "boolean") {
        if (k === t.length - 1) i++;
        break;
      }
    }
  }
  return { help };
}

/** Whether an option token (known to be declared) takes the following token as its value. */
function takesNextToken(token: string, options: Record<string, OptionSpec>): boolean {
  if (token.startsWith("--")) return !token.includes("=") && options[token.slice(2)]?.kind !== "boolean";
  const letters = token.slice(1);
  for (let k = 0; k < letters.length; k++) {
    const spec = Object.values(options).find((o) => o.short === letters[k]);
    if (spec !== undefined && spec.kind !== "boolean") return k === letters.length - 1;
  }
  return false;
}

/** Run parseArgs (strict) and turn its errors into UsageErrors in our words. */
function strictParse(tokens: readonly string[], options: Record<string, OptionSpec>, where: string, path: string[]) {
  const config: ParseArgsConfig["options"] = {};
  for (const [name, o] of Object.entries(options)) config[name] = { type: o.kind === "boolean" ? "boolean" : "string", ...(o.short ? { short: o.short } : {}) };
  try {
    return parseArgs({ args: [...tokens], options: config, strict: true, allowPositionals: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const m = /'(-[^' ]+)/.exec((e as Error).message);
    const flag = m?.[1] ?? "an option";
    const spec = options[flag.replace(/^-+/, "")] ?? Object.values(options).find((o) => `-${o.short}` === flag);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /does not take an argument/.test((e as Error).message)) {
      throw new UsageError(`${flag} takes no value (${where})`, path);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const placeholder = spec?.value ?? "VALUE";
      throw new UsageError(`${flag} needs a value: ${flag} ${placeholder}${/ambiguous/.test((e as Error).message) ? ` (for a value that starts with "-", write ${flag}=-…)` : ""}`, path);
    }
    throw new UsageError(`${(e as Error).message} (${where})`, path);
  }
}

/** Check one option value against its declaration; ints become numbers. */
function convert(name: string, spec: OptionSpec, raw: string | boolean | undefined, path: string[]): OptionValue {
  if (raw === undefined) return spec.default;
  if (spec.kind === "boolean") return raw === true;
  const text = String(raw);
  if (spec.kind === "int") {
    const lo = spec.min ?? -Infinity;
    const hi = spec.max ?? Infinity;
    const n = Number(text);
    if (!/^-?\d+$/.test(text) || n < lo || n > hi) {
      const range = spec.min !== undefined && spec.max !== undefined ? `${spec.min}–${spec.max}` : spec.min !== undefined ? `≥ ${spec.min}` : spec.max !== undefined ? `≤ ${spec.max}` : "";
      throw new UsageError(`--${name} needs a whole number${range ? ` ${range}` : ""}, got ${JSON.stringify(text)}`, path);
    }
    // Past 2^53 a number is no longer whole in JavaScript, and no database takes it as an integer.
    if (!Number.isSafeInteger(n)) {
      throw new UsageError(`--${name} is too large: at most ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(text)}`, path);
    }
    return n;
  }
  if (spec.choices !== undefined && !spec.choices.includes(text)) {
    throw new UsageError(`--${name} must be one of ${spec.choices.join(", ")}, got ${JSON.stringify(text)}${didYouMean(text, spec.choices)}`, path);
  }
  return text;
}

function assignPositionals(command: CommandSpec<unknown>, given: readonly string[], where: string, path: string[]): Map<string, string | readonly string[] | undefined> {
  const out = new Map<string, string | readonly string[] | undefined>();
  const specs = command.positionals ?? [];
  const shape = specs.map((p) => (p.variadic ? `[${p.name.toUpperCase()}…]` : p.required ? p.name.toUpperCase() : `[${p.name.toUpperCase()}]`)).join(" ");
  let i = 0;
  for (const p of specs) {
    if (p.variadic) {
      out.set(p.name, given.slice(i));
      if (p.required && i >= given.length) throw new UsageError(`${where} needs at least one ${p.name.toUpperCase()}: ${where} ${shape}`, path);
      i = given.length;
      continue;
    }
    const v = given[i];
    if (v === undefined) {
      if (p.required) throw new UsageError(`${where} needs ${p.name.toUpperCase()} (${p.summary}): ${where} ${shape}`, path);
      out.set(p.name, undefined);
      continue;
    }
    if (p.choices !== undefined && !p.choices.includes(v)) {
      throw new UsageError(`${p.name.toUpperCase()} must be one of ${p.choices.join(", ")}, got ${JSON.stringify(v)}${didYouMean(v, p.choices)}`, path);
    }
    out.set(p.name, v);
    i++;
  }
  if (i < given.length) {
    const extra = given.slice(i);
    const takes = specs.length === 0 ? "takes no arguments" : specs.length === 1 ? `takes ${shape} (${specs[0]!.summary})` : `takes ${shape}`;
    throw new UsageError(`${where} ${takes}; unexpected ${extra.map((x) => JSON.stringify(x)).join(" ")}`, path);
  }
  return out;
}

/** Parse a command line (without the program name) against the program's declaration. */
export function parseCommandLine<Run>(program: ProgramSpec<Run>, argv: readonly string[], options: ParseOptions = {}): ParseResult<Run> {
  const withGlobals = options.globals ?? true;
  const path: CommandSpec<Run>[] = [program];
  const words = () => path.map((c) => c.name);
  const prefix: string[] = [];
  let i = 0;
  let helpWord = false;
  // Walk down the groups: global options may come before each command word.
  while (path[path.length - 1]!.subcommands !== undefined && i < argv.length) {
    const group = path[path.length - 1]!;
    const t = argv[i]!;
    if (t.startsWith("-") && t !== "-" && t !== "--") {
      // A group that runs by itself (it has `load`) takes its own options in place of a command word.
      const name = t.startsWith("--") ? t.slice(2).split("=", 1)[0]! : "";
      const own = Object.entries(group.options ?? {}).some(([n, o]) => n === name || (!t.startsWith("--") && o.short === t[1]));
      if (group.load !== undefined && own) break;
      const opts = optionsOf(group, program, withGlobals, group === program);
      scanOptions([t], opts, commandName(path), words());
      prefix.push(t);
      if (takesNextToken(t, opts) && i + 1 < argv.length) prefix.push(argv[++i]!);
      i++;
      continue;
    }
    if (group === program && t === "help" && findSubcommand(group, "help") === undefined) {
      helpWord = true;
      i++;
      continue;
    }
    const sub = findSubcommand(group, t);
    if (sub === undefined) {
      throw new UsageError(`unknown command ${JSON.stringify(`${commandName(path)} ${t}`)}${didYouMean(t, visibleNames(group))}`, words());
    }
    path.push(sub);
    i++;
  }
  const command = path[path.length - 1]!;
  const where = commandName(path);
  const isRoot = command === program;
  const own = optionsOf(command, program, withGlobals, isRoot);
  const rest = argv.slice(i);

  const prefixValues: Record<string, string | boolean | (string | boolean)[] | undefined> = prefix.length > 0 ? strictParse(prefix, optionsOf(program, program, withGlobals, true), where, words()).values : {};
  const globals = new Map<string, OptionValue>();
  const readGlobals = (values: Record<string, string | boolean | (string | boolean)[] | undefined>) => {
    for (const [name, spec] of Object.entries(withGlobals ? (program.globalOptions ?? {}) : {})) {
      const raw = values[name] ?? prefixValues[name];
      globals.set(name, convert(name, spec, raw as string | boolean | undefined, words()));
    }
  };

  if (helpWord || prefixValues.help === true) {
    readGlobals({});
    return { kind: "help", path, requested: true, globals };
  }
  if (command.raw) {
    readGlobals({});
    if (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) return { kind: "help", path, requested: true, globals };
    const positionals = assignPositionals(command, rest, where, words());
    return { kind: "run", path, command, input: new CommandInput(where, new Map(), positionals), globals };
  }
  if (command.subcommands !== undefined && rest.length === 0) {
    if (prefixValues.version === true && isRoot) {
      readGlobals({});
      return { kind: "version", globals };
    }
    if (command.load === undefined) {
      readGlobals({});
      return { kind: "help", path, requested: false, globals };
    }
  }
  const { help } = scanOptions(rest, own, where, words());
  if (help) {
    readGlobals({});
    return { kind: "help", path, requested: true, globals };
  }
  const parsed = strictParse(rest, own, where, words());
  readGlobals(parsed.values as Record<string, string | boolean | undefined>);
  if (isRoot && parsed.values.version === true) return { kind: "version", globals };
  const values = new Map<string, OptionValue>();
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    values.set(name, convert(name, spec, parsed.values[name] as string | boolean | undefined, words()));
  }
  const positionals = assignPositionals(command, parsed.positionals, where, words());
  if (command.load === undefined) throw new UsageError(`${where} needs a command`, words());
  return { kind: "run", path, command, input: new CommandInput(where, values, positionals), globals };
}
