// A small argv parser for quire-ci's few flags: `--name VALUE`, `--name=VALUE`,
// boolean `--flag`, short aliases, positionals. Unknown flags are errors.
import { QuireCiError } from "../errors.js";

export interface FlagSpec {
  /** Long name without dashes. */
  name: string;
  short?: string;
  takesValue: boolean;
}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], usage: string): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const key = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = specs.find((s) => `--${s.name}` === key || (s.short !== undefined && `-${s.short}` === key));
    if (!spec) throw new QuireCiError(`unknown option ${key}\n${usage}`);
    if (!spec.takesValue) {
      if (eq >= 0) throw new QuireCiError(`option --${spec.name} takes no value\n${usage}`);
      flags.set(spec.name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") throw new QuireCiError(`option --${spec.name} needs a value\n${usage}`);
    flags.set(spec.name, value);
  }
  return { flags, positionals };
}

/** A positive integer flag value, or the default. */
export function intFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < 1) throw new QuireCiError(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
}
