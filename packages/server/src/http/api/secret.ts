// GET /api/run/secret/:name (SPEC §6): reveals one configured secret to an
// authenticated, non-terminal run as `{name, value}`, each name at most once
// per run (run_secrets): quire-ci asks only when a pipeline's (secret …)
// calls for it and keeps the value, so a second request is refused. Every
// reveal is logged with the job that asked. File-backed secrets are read at
// use, with one trailing newline stripped.
import { Hono } from "hono";
import { readSecret } from "../../config/secrets.js";
import type { ServerConfig } from "../../config/types.js";
import type { Db } from "../../db/open.js";
import { stmt } from "../../db/statements.js";
import { HttpError } from "../../errors.js";
import type { RunTokenEnv } from "../middleware/run-token.js";

/** The request header in which quire-ci names the job whose (secret …) call asked. */
export const SECRET_JOB_HEADER = "x-quire-job";

export function secretRoute(db: Db, config: Pick<ServerConfig, "secrets">, log: (line: string) => void) {
  return new Hono<RunTokenEnv>().get("/:name", async (c) => {
    const name = c.req.param("name");
    const run = c.get("run");
    const job = (c.req.header(SECRET_JOB_HEADER) ?? "").slice(0, 200) || null;
    const source = Object.hasOwn(config.secrets, name) ? config.secrets[name] : undefined;
    if (source === undefined) {
      const known = Object.keys(config.secrets).sort();
      throw new HttpError(404, "not_found", `no secret named ${JSON.stringify(name)}; configured: ${known.length ? known.join(", ") : "none"} (:secrets in config.fnl)`);
    }
    let value: string;
    try {
      value = await readSecret(source);
    } catch (e) {
      throw new HttpError(500, "secret_unreadable", `secret ${JSON.stringify(name)} could not be read from its file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    // Once per run: the row is the record of who got what, and a second ask is refused.
    const claimed = stmt(db.sqlite, "INSERT OR IGNORE INTO run_secrets (run_id, name, revealed_at_ms, job_id) VALUES (?, ?, ?, ?)")
      .run(run.id, name, Date.now(), job).changes === 1;
    if (!claimed) {
      log(`run ${run.id}: refused secret ${JSON.stringify(name)}${job ? ` to job ${JSON.stringify(job)}` : ""}: it was already revealed to this run`);
      throw new HttpError(
        409,
        "secret_already_revealed",
        `secret ${JSON.stringify(name)} was already revealed to run ${run.id}; each secret is revealed once per run, and quire-ci keeps it`,
      );
    }
    log(`run ${run.id}: revealed secret ${JSON.stringify(name)}${job ? ` to job ${JSON.stringify(job)}` : ""}`);
    c.header("Cache-Control", "no-store");
    return c.json({ name, value });
  });
}
