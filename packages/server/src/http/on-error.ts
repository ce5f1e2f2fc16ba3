// The single mapping from thrown errors to HTTP responses: HttpError keeps
// its status and code; anything else is a logged 500 with no internals leaked.
// API paths answer JSON; web pages answer with the page `html` renders.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HttpError } from "../errors.js";

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
  return async (err: Error, c: Context): Promise<Response> => {
    if (!(err instanceof HttpError)) log(`HTTP ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    if (options.html !== undefined && wantsHtml(c)) return options.html(err);
    if (err instanceof HttpError) {
      const body: ErrorBody = { error: { ...err.details, code: err.code, message: err.message } };
      return c.json(body, err.status as ContentfulStatusCode);
    }
    const body: ErrorBody = { error: { code: "internal", message: "internal server error; see the server log" } };
    return c.json(body, 500);
  };
}
