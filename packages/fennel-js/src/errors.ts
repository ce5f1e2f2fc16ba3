// The one error type fennel-js raises for bad Fennel: parse, compile and
// (mapped) runtime errors, each with a position and optional hints.
// Message texts live in diagnostics.ts; hints in friend.ts.

export type FennelErrorKind = "parse" | "compile" | "runtime";

export interface FennelErrorInit {
  kind: FennelErrorKind;
  /** The bare message, e.g. `unknown identifier: x`. */
  reason: string;
  file: string;
  line: number;
  col: number;
  /** `* Try …` hints, without the `* Try ` prefix removed: full lines. */
  hints?: string[];
  /** The offending source line, shown under the header when known. */
  sourceLine?: string;
  /** How many columns of the source line the marker covers (default 1). */
  span?: number;
  /** The offending form as the reference's unfriendly errors name it (its head). */
  formLabel?: string;
  cause?: unknown;
}

/**
 * `message` is the full friendly text:
 * `FILE:LINE:COL: Compile error: REASON`, blank line, source line, marker,
 * then one `* Try …` line per hint.
 */
export class FennelError extends Error {
  readonly kind: FennelErrorKind;
  readonly reason: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly hints: string[];
  readonly sourceLine: string | undefined;
  readonly span: number | undefined;
  readonly formLabel: string | undefined;

  constructor(init: FennelErrorInit) {
    super(formatFennelError(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "FennelError";
    this.kind = init.kind;
    this.reason = init.reason;
    this.file = init.file;
    this.line = init.line;
    this.col = init.col;
    this.hints = init.hints ?? [];
    this.sourceLine = init.sourceLine;
    this.span = init.span;
    this.formLabel = init.formLabel;
  }
}

const KIND_LABEL: Record<FennelErrorKind, string> = {
  parse: "Parse error",
  compile: "Compile error",
  runtime: "Runtime error",
};

export function formatFennelError(e: FennelErrorInit): string {
  const head = `${e.file}:${e.line}:${e.col}: ${KIND_LABEL[e.kind]}: ${e.reason}`;
  const parts = [head];
  if (e.sourceLine !== undefined) {
    parts.push("", e.sourceLine, " ".repeat(Math.max(0, e.col)) + "^".repeat(Math.max(1, e.span ?? 1)));
  }
  for (const h of e.hints ?? []) parts.push(h);
  return parts.join("\n");
}

/**
 * The message as the reference's friendly errors read inside a program
 * (`fennel.eval` and the like): the offending form in inverse video within
 * its source line, no marker line; a parse error marks through the line's end.
 * Plain when NO_COLOR is set.
 */
export function formatFennelErrorInline(
  e: FennelError,
  opts: { pinpoint?: [string, string] | false; unfriendly?: boolean } = {},
): string {
  const head = `${e.file}:${e.line}:${e.col}: ${KIND_LABEL[e.kind]}: ${e.reason}`;
  if (opts.unfriendly) {
    if (e.kind !== "compile") return head;
    return `${e.file}:${e.line}:${e.col}: Compile error in '${e.formLabel ?? "()"}': ${e.reason}`;
  }
  const parts = [head];
  if (e.sourceLine !== undefined) {
    const src = e.sourceLine;
    const marks = opts.pinpoint ?? (process.env.NO_COLOR ? false : ["\x1b[7m", "\x1b[0m"]);
    if (marks === false) {
      parts.push("", src);
    } else {
      const start = Math.min(Math.max(0, e.col), src.length);
      const end = e.kind === "parse" ? src.length : Math.min(src.length, start + Math.max(1, e.span ?? 1));
      parts.push("", src.slice(0, start) + marks[0] + src.slice(start, end) + marks[1] + src.slice(end));
    }
  }
  for (const h of e.hints) parts.push(h);
  return parts.join("\n");
}
