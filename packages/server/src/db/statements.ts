// Prepared-statement cache per connection: hot paths (event application,
// transitions, token checks) compile each SQL text once, not per call.
import type Database from "better-sqlite3";

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The prepared statement for `sql` on `sqlite`, compiled on first use. */
export function stmt(sqlite: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(sqlite);
  if (cache === undefined) {
    cache = new Map();
    caches.set(sqlite, cache);
  }
  let s = cache.get(sql);
  if (s === undefined) {
    s = sqlite.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}
