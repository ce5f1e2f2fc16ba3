// Every error class of @quire/server, and the closed table of HTTP error
// codes. Handlers throw HttpError; http/on-error.ts maps it to a response.
import type { RunState } from "@quire/shared";

/** HTTP error codes this server answers with, and their statuses. */
export const HTTP_ERROR_CODES = {
  bad_request: 400,
  unauthorized: 401,
  run_terminal: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_bootstrapped: 409,
  run_not_active: 409,
  seq_out_of_order: 409,
  secret_already_revealed: 409,
  agent_replaced: 409,
  run_not_held: 409,
  offset_mismatch: 409,
  payload_too_large: 413,
  secret_unreadable: 500,
  busy: 503,
  storage_unavailable: 503,
  internal: 500,
} as const;
export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;

/** An error a handler throws to answer with `status` and a JSON body `{error: {code, message, …details}}`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: HttpErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.details = options?.details ?? {};
  }
}

/** A run transition the state machine does not allow, or whose `from` no longer holds. */
export class InvalidTransitionError extends Error {
  readonly runId: string;
  readonly from: RunState;
  readonly to: RunState;
  /** The state the run was actually in, when it differed from `from`. */
  readonly actual: RunState | undefined;
  constructor(runId: string, from: RunState, to: RunState, reason: string, actual?: RunState) {
    super(`run ${runId}: cannot go ${from} → ${to}: ${reason}`);
    this.name = "InvalidTransitionError";
    this.runId = runId;
    this.from = from;
    this.to = to;
    this.actual = actual;
  }
}

/** A run id that names no row. */
export class RunNotFoundError extends Error {
  readonly runId: string;
  constructor(runId: string, why = 'list runs with "quire ci runs"') {
    super(`no run with id ${JSON.stringify(runId)}; ${why}`);
    this.name = "RunNotFoundError";
    this.runId = runId;
  }
}

/** A migration file that cannot be applied, or a landed one that was edited. */
export class MigrationError extends Error {
  readonly migration: string;
  constructor(migration: string, message: string, options?: { cause?: unknown }) {
    super(`migration ${migration}: ${message}`, options);
    this.name = "MigrationError";
    this.migration = migration;
  }
}

/** A ServerConfig value that is out of range or of the wrong type. */
export class ConfigError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(`config :${key}: ${message}`);
    this.name = "ConfigError";
    this.key = key;
  }
}

/** quire.db cannot be written (read-only, full, failing disk): `quire serve` refuses to start. */
export class DatabaseUnwritableError extends Error {
  readonly file: string;
  /** SQLite's code, e.g. SQLITE_READONLY, SQLITE_FULL. */
  readonly code: string;
  constructor(file: string, code: string, detail: string, options?: { cause?: unknown }) {
    super(
      `cannot write the database ${file} (${code}: ${detail}); ` +
        "make sure the file and its directory are writable by this user, the file system is not read-only, and the disk is not full",
      options,
    );
    this.name = "DatabaseUnwritableError";
    this.file = file;
    this.code = code;
  }
}
