// Commands that read or write quire.db open it for the call and close it
// after, whatever happens (the server may hold it open too: WAL).
import { existsSync } from "node:fs";
import { openDatabase, type Db } from "../db/open.js";
import { RunNotFoundError } from "../errors.js";
import type { CliContext } from "./context.js";

/** Run `fn` with the data directory's database open. */
export async function withDb<T>(ctx: Pick<CliContext, "paths">, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(ctx.paths.db);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/**
 * Run `fn` on the database of a command that looks up run `runId`: where there
 * is no database yet there is no such run, and reading must not create one
 * (`quire ci show` over `quire exec` included).
 */
export async function withRunDb<T>(ctx: Pick<CliContext, "paths">, runId: string, fn: (db: Db) => Promise<T>): Promise<T> {
  if (!existsSync(ctx.paths.db)) throw new RunNotFoundError(runId, `there are no runs yet (no database at ${ctx.paths.db})`);
  return withDb(ctx, fn);
}
