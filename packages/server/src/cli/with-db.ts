// Commands that read or write quire.db open it for the call and close it
// after, whatever happens (the server may hold it open too: WAL).
import { openDatabase, type Db } from "../db/open.js";
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
