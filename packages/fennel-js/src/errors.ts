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
