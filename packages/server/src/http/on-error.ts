// The single mapping from thrown errors to HTTP responses: HttpError keeps
// its status and code; a database that cannot be written now (full,
// read-only, failing) is a 503 `storage_unavailable` with Retry-After, logged
// as one short line (then at most once a minute, with a count, while it
// lasts); anything else is a logged 500 with no internals leaked.
// API paths answer JSON; web pages answer with the page `html` renders.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { storageErrorCode } from "../db/writable.js";
import { HttpError } from "../errors.js";

/** Seconds a client is told to wait (Retry-After) when the database cannot be written. */
export const STORAGE_RETRY_AFTER_S = 2;
/** While the database stays unwritable, a line at most this often. */
const STORAGE_LOG_EVERY_MS = 60_000;

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

export interface OnErrorOptions {
  /** Renders an error as a web page; used for every path outside /api/ and /healthz whose client accepts HTML. */
  html?: (err: Error) => Promise<Response>;
}

/** True when the request wants a web page rather than JSON. */
function wantsHtml(c: Context): boolean {
  const p = c.req.path;
  if (p.startsWith("/api/") || p === "/healthz") return false;
  const accept = c.req.header("Accept") ?? "";
  return accept === "" || accept.includes("text/html") || accept.includes("*/*");
}

export function makeOnError(log: (line: string) => void, options: OnErrorOptions = {}) {
  let storageLoggedAt = -Infinity;
  let storageUnlogged = 0;
  return async (thrown: Error, c: Context): Promise<Response> => {
    let err = thrown;
    const storage = err instanceof HttpError ? undefined : storageErrorCode(err);
    if (storage !== undefined) {
      const now = Date.now();
      if (now - storageLoggedAt >= STORAGE_LOG_EVERY_MS) {
        const also = storageUnlogged > 0 ? ` (and ${storageUnlogged} more request(s) since the last line)` : "";
        log(`HTTP ${c.req.method} ${c.req.path}: the database cannot be written (${storage}: ${err.message}); answered 503${also}`);
        storageLoggedAt = now;
        storageUnlogged = 0;
      } else storageUnlogged++;
      err = new HttpError(503, "storage_unavailable", `the server cannot write its database now (${storage}); try again in a few seconds`, { cause: thrown });
      c.header("Retry-After", String(STORAGE_RETRY_AFTER_S));
    } else if (!(err instanceof HttpError)) log(`HTTP ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    if (options.html !== undefined && wantsHtml(c)) return options.html(err);
    if (err instanceof HttpError) {
      const body: ErrorBody = { error: { ...err.details, code: err.code, message: err.message } };
      return c.json(body, err.status as ContentfulStatusCode);
    }
    const body: ErrorBody = { error: { code: "internal", message: "internal server error; see the server log" } };
    return c.json(body, 500);
  };
}
