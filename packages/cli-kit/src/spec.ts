// The declaration of a command line: a tree of commands, each with its
// positional arguments and options. Parsing, validation, help, suggestions
// and completion all read this one shape; nothing else describes arguments.

/** How a value completes in a shell: a fixed list comes from `choices`; these name the rest. */
export type ValueCompletion = "file" | "dir" | (string & {});

export interface OptionSpec {
  /** `boolean` takes no value; `int` is a whole number checked against min/max. */
  kind: "boolean" | "string" | "int";
  /** One letter, used as `-x`. */
  short?: string;
  /** Placeholder for the value in help (`N`, `DIR`, `SHA`). */
  value?: string;
  summary: string;
  /** Shown in help and applied when the option is absent. */
  default?: string | number;
  min?: number;
  max?: number;
  /** The only values accepted (string options). */
  choices?: readonly string[];
  /** How the value completes when there are no choices. */
  complete?: ValueCompletion;
}

export interface PositionalSpec {
  /** Lower-case name used by the implementation; help shows it upper-case. */
  name: string;
  summary: string;
  required?: boolean;
  /** Takes every remaining positional (only the last one may). */
  variadic?: boolean;
  choices?: readonly string[];
  complete?: ValueCompletion;
}

/** A command: a group (it has `subcommands`) or a leaf (it has `run`). */
export interface CommandSpec<Run = unknown> {
  name: string;
  aliases?: readonly string[];
  /** One line, lower-case start, no full stop: shown in lists and at the top of help. */
  summary: string;
  /** Paragraphs shown in the command's own help, below usage. */
  description?: string;
  positionals?: readonly PositionalSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
  examples?: readonly string[];
  subcommands?: readonly CommandSpec<Run>[];
  /** The implementation, loaded only when this command runs. */
  load?: () => Promise<Run>;
  /** Everything after the command name is positional, unparsed (for commands that take another command line). */
  raw?: boolean;
  /** Left out of help and completion. */
  hidden?: boolean;
  /** Free-form marks the program reads (e.g. `localOnly`); the kit ignores them. */
  tags?: readonly string[];
}

/** The program: its name, version, options accepted by every command, and its commands. */
export interface ProgramSpec<Run = unknown> extends CommandSpec<Run> {
  version?: string;
  /** Options every command accepts, before or after its name (`--data-dir`). */
  globalOptions?: Readonly<Record<string, OptionSpec>>;
  /** A line below every help page (where to read more). */
  footer?: string;
}
