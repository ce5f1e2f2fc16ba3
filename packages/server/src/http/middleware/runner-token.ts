// Bearer runner-token authentication for /api/runner/* (runners/registry.ts):
// the runner row is left in the context as `runner`. An unknown or removed
// runner's token gets the same 401.
import { createMiddleware } from "hono/factory";
import type { Db } from "../../db/open.js";
import type { RunnerRow } from "../../db/schema.js";
import { HttpError } from "../../errors.js";
import { runnerOfToken } from "../../runners/registry.js";

export type RunnerTokenEnv = { Variables: { runner: RunnerRow } };

export function runnerToken(db: Db) {
  return createMiddleware<RunnerTokenEnv>(async (c, next) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    if (m === null) throw new HttpError(401, "unauthorized", "missing runner token: send Authorization: Bearer <token from quire runner new NAME>");
    const runner = runnerOfToken(db, m[1]!);
    if (runner === undefined) throw new HttpError(401, "unauthorized", "runner token not recognized (was the runner removed, or its token replaced?)");
    c.set("runner", runner);
    await next();
  });
}
