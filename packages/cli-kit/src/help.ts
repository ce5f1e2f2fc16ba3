// Help pages, rendered from the declaration: summary, usage line, description,
// subcommands or arguments, options (the command's, then the global ones),
// examples, and the program's footer.
import { commandName, optionsOf } from "./parse.js";
import type { CommandSpec, OptionSpec, ProgramSpec } from "./spec.js";

function optionLabel(name: string, o: OptionSpec): string {
  const long = `--${name}${o.kind === "boolean" ? "" : ` ${o.value ?? (o.kind === "int" ? "N" : "VALUE")}`}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

function optionText(o: OptionSpec): string {
  const extra: string[] = [];
  if (o.choices) extra.push(`one of ${o.choices.join(", ")}`);
  if (o.default !== undefined) extra.push(`default ${o.default}`);
  return extra.length > 0 ? `${o.summary} (${extra.join("; ")})` : o.summary;
}

function table(rows: [string, string][], indent = "  "): string[] {
  const width = Math.min(28, Math.max(...rows.map(([l]) => l.length)));
  return rows.map(([l, r]) => (l.length > width ? `${indent}${l}\n${indent}${" ".repeat(width)}  ${r}` : `${indent}${l.padEnd(width)}  ${r}`));
}

/** The usage line of a command, e.g. `quire ci show RUN [options]`. */
export function usageLine(path: readonly CommandSpec<unknown>[]): string {
  const command = path[path.length - 1]!;
  const name = commandName(path);
  if (command.subcommands !== undefined) return `${name} <command> [options]${command.load !== undefined ? `\n       ${name} [options]` : ""}`;
  const args = (command.positionals ?? []).map((p) => {
    const n = p.name.toUpperCase();
    return p.variadic ? `[${n}…]` : p.required ? n : `[${n}]`;
  });
  return [name, ...args, ...(command.raw ? [] : ["[options]"])].join(" ");
}

/** The whole help page of the last command in `path`. */
export function renderHelp(program: ProgramSpec<unknown>, path: readonly CommandSpec<unknown>[]): string {
  const command = path[path.length - 1]!;
  const isRoot = command === program;
  const out: string[] = [`${commandName(path)}: ${command.summary}`, "", `usage: ${usageLine(path)}`];
  if (command.description) out.push("", command.description.trim());
  const subs = (command.subcommands ?? []).filter((c) => !c.hidden);
  if (subs.length > 0) {
    out.push("", "commands:", ...table(subs.map((c) => [c.name + (c.aliases?.length ? ` (${c.aliases.join(", ")})` : ""), c.summary])));
  }
  const positionals = command.positionals ?? [];
  if (positionals.length > 0) {
    out.push("", "arguments:", ...table(positionals.map((p) => [p.name.toUpperCase(), p.choices ? `${p.summary} (one of ${p.choices.join(", ")})` : p.summary])));
  }
  if (!command.raw) {
    const options = optionsOf(command, program, true, isRoot);
    out.push("", "options:", ...table(Object.entries(options).map(([name, o]) => [optionLabel(name, o), optionText(o)])));
  }
  if (command.examples?.length) out.push("", "examples:", ...command.examples.map((e) => `  ${e}`));
  if (subs.length > 0) out.push("", `Run \`${commandName(path)} <command> --help\` for a command's arguments.`);
  if (program.footer) out.push("", program.footer);
  return out.join("\n") + "\n";
}
