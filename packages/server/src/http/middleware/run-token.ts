// Bearer run-token authentication for /api/run/*: finds the run the token
// names, compares hashes in constant time, refuses a terminal run. The run
// row is left in the context as `run`.
import { isTerminalRunState } from "@quire/shared";
import { createMiddleware } from "hono/factory";
import type { Db } from "../../db/open.js";
import { getRun } from "../../db/queries.js";
import type { RunRow } from "../../db/schema.js";
import { HttpError } from "../../errors.js";
import { runIdOfToken, tokenMatches } from "../../runs/tokens.js";

export type RunTokenEnv = { Variables: { run: RunRow } };

export function runToken(db: Db) {
  return createMiddleware<RunTokenEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    if (header === undefined) {
      throw new HttpError(401, "unauthorized", "missing run token: send Authorization: Bearer $QUIRE__RUN_TOKEN");
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null) throw new HttpError(401, "unauthorized", 'malformed Authorization header: expected "Bearer <run token>"');
    const token = m[1]!;
    const runId = runIdOfToken(token);
    const run = runId === undefined ? undefined : getRun(db, runId);
    // Compare even when there is no row, so a miss costs the same as a mismatch.
    if (!tokenMatches(token, run?.tokenHash) || run === undefined) {
      throw new HttpError(401, "unauthorized", "run token not recognized");
    }
    if (isTerminalRunState(run.state)) {
      throw new HttpError(401, "run_terminal", `run ${run.id} is ${run.state}; its token is no longer valid`);
    }
    c.set("run", run);
    await next();
  });
}
