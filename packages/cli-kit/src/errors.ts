// The one error of the kit: a command line that does not match its
// declaration. It names the command so the program can point at its help.

// A program may load the kit twice (a bundled entry and its lazily loaded
// modules): instanceof goes by this brand, not by class identity.
const BRAND = Symbol.for("@quire/cli-kit:UsageError");

/** A bad command line: unknown command or option, missing or extra argument, bad value. */
export class UsageError extends Error {
  /** The command words it concerns, e.g. ["quire", "ci", "runs"]. */
  readonly commandPath: readonly string[];
  readonly [BRAND] = true;
  constructor(message: string, commandPath: readonly string[] = []) {
    super(message);
    this.name = "UsageError";
    this.commandPath = commandPath;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
