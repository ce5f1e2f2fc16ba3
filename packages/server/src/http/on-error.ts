// The single mapping from thrown errors to HTTP responses: HttpError keeps
// its status and code; anything else is a logged 500 with no internals leaked.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HttpError } from "../errors.js";

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

export function makeOnError(log: (line: string) => void) {
  return (err: Error, c: Context): Response => {
    if (err instanceof HttpError) {
      const body: ErrorBody = { error: { ...err.details, code: err.code, message: err.message } };
      return c.json(body, err.status as ContentfulStatusCode);
    }
    log(`HTTP ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    const body: ErrorBody = { error: { code: "internal", message: "internal server error; see the server log" } };
    return c.json(body, 500);
  };
}
