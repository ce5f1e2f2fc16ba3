// Error types of quire-ci: collected pipeline diagnostics (ci.fnl problems the
// user fixes) versus failures of quire-ci itself (I/O, protocol, bugs).

/** One problem in a pipeline, positioned in its source file when known. */
export interface Diagnostic {
  file: string;
  line?: number;
  col?: number;
  message: string;
  /** What to do about it; one suggestion per line. */
  hint?: string;
}

/** `ci.fnl:12:3: message` (position parts omitted when unknown), then the hint. */
export function formatDiagnostic(d: Diagnostic, options: { hint?: boolean } = {}): string {
  let where = d.file;
  if (d.line !== undefined) where += `:${d.line}`;
  if (d.line !== undefined && d.col !== undefined) where += `:${d.col}`;
  const head = `${where}: ${d.message}`;
  if (options.hint === false || !d.hint) return head;
  return [head, ...d.hint.split("\n").map((h) => `  * ${h}`)].join("\n");
}

/** The pipeline could not be compiled, evaluated or validated: every problem found. */
export class PipelineError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
    this.name = "PipelineError";
    this.diagnostics = diagnostics;
  }
  /** One line per problem, without hints: what run_finished.error carries. */
  summary(): string {
    return this.diagnostics.map((d) => formatDiagnostic(d, { hint: false })).join("; ");
  }
}

/** quire-ci itself failed (bad arguments, the server refused it, I/O): exit non-zero. */
export class QuireCiError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "QuireCiError";
    this.exitCode = options.exitCode ?? 2;
  }
}

/** A request to the quire server failed for good. */
export class ServerApiError extends QuireCiError {
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ServerApiError";
    this.status = options.status;
  }
}
