// What a command's implementation receives: its parsed, validated values,
// read by the names its declaration gave. Asking for an undeclared name is
// a programming error and throws at once.

export type OptionValue = string | number | boolean | undefined;

export class CommandInput {
  /** The command as typed words, e.g. "quire ci runs". */
  readonly command: string;
  readonly #options: ReadonlyMap<string, OptionValue>;
  readonly #positionals: ReadonlyMap<string, string | readonly string[] | undefined>;

  constructor(command: string, options: ReadonlyMap<string, OptionValue>, positionals: ReadonlyMap<string, string | readonly string[] | undefined>) {
    this.command = command;
    this.#options = options;
    this.#positionals = positionals;
  }

  #option(name: string): OptionValue {
    if (!this.#options.has(name)) throw new Error(`${this.command} declares no option --${name}`);
    return this.#options.get(name);
  }

  #positional(name: string): string | readonly string[] | undefined {
    if (!this.#positionals.has(name)) throw new Error(`${this.command} declares no argument ${name.toUpperCase()}`);
    return this.#positionals.get(name);
  }

  /** A boolean option: true when given. */
  flag(name: string): boolean {
    return this.#option(name) === true;
  }

  /** A string option's value (or its default). */
  string(name: string): string | undefined {
    const v = this.#option(name);
    return v === undefined ? undefined : String(v);
  }

  /** An int option's value (or its default). */
  int(name: string): number | undefined {
    const v = this.#option(name);
    return typeof v === "number" ? v : undefined;
  }

  /** A single positional argument. */
  arg(name: string): string | undefined {
    const v = this.#positional(name);
    return typeof v === "string" ? v : undefined;
  }

  /** A variadic positional argument (empty when none were given). */
  args(name: string): readonly string[] {
    const v = this.#positional(name);
    return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  }
}
