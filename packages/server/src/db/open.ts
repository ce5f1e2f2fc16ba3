// Opens quire.db: WAL mode, foreign keys on, a busy timeout for the CLI and
// server sharing the file, migrations applied. Returns both handles.
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import * as schema from "./schema.js";
import { applyMigrations, MIGRATIONS_DIR } from "./migrate.js";

export type Drizzle = BetterSQLite3Database<typeof schema>;

/** An open database: `sqlite` for raw statements, `orm` for Drizzle queries. */
export interface Db {
  sqlite: Database.Database;
  orm: Drizzle;
  file: string;
  close(): void;
}

export interface OpenDatabaseOptions {
  /** Folder of *.sql migrations (default: the repository's migrations/). */
  migrationsDir?: string;
}

/** Open (creating if needed) the database file and bring its schema up to date. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("synchronous = NORMAL");
    applyMigrations(sqlite, options.migrationsDir ?? MIGRATIONS_DIR);
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const orm = drizzle(sqlite, { schema });
  return {
    sqlite,
    orm,
    file,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
