// Applies migrations/*.sql in name order, each in its own transaction and
// recorded in `schema_migrations` with a checksum; a landed migration whose
// file changed stops startup (migrations are append-only).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { MigrationError } from "../errors.js";

/**
 * The repository's `migrations/` folder. This file sits at
 * `packages/server/{src,dist}/db/`, so the same relative path works from the
 * sources (tests) and from the build.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../../migrations/", import.meta.url));

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

export interface AppliedMigration {
  name: string;
  appliedAtMs: number;
}

/** Apply every migration not yet recorded; returns the ones applied now. */
export function applyMigrations(sqlite: Database.Database, dir: string = MIGRATIONS_DIR): AppliedMigration[] {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at_ms INTEGER NOT NULL
  )`);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
  } catch (e) {
    throw new MigrationError(dir, "cannot read the migrations folder; is the package installed whole?", { cause: e });
  }
  const recorded = new Map(
    (sqlite.prepare("SELECT name, sha256 FROM schema_migrations").all() as { name: string; sha256: string }[]).map((r) => [
      r.name,
      r.sha256,
    ]),
  );
  const applied: AppliedMigration[] = [];
  for (const name of files) {
    if (!MIGRATION_NAME.test(name)) {
      throw new MigrationError(name, 'file name must look like "0002_add_thing.sql" (four digits, underscore, lowercase)');
    }
    const sql = readFileSync(`${dir}/${name}`, "utf8");
    const sum = createHash("sha256").update(sql).digest("hex");
    const known = recorded.get(name);
    if (known !== undefined) {
      if (known !== sum) {
        throw new MigrationError(name, "was edited after it was applied; migrations are append-only: restore it and add a new one");
      }
      continue;
    }
    const appliedAtMs = Date.now();
    try {
      sqlite.transaction(() => {
        sqlite.exec(sql);
        sqlite.prepare("INSERT INTO schema_migrations (name, sha256, applied_at_ms) VALUES (?, ?, ?)").run(name, sum, appliedAtMs);
      })();
    } catch (e) {
      throw new MigrationError(name, `failed and was rolled back: ${(e as Error).message}`, { cause: e });
    }
    applied.push({ name, appliedAtMs });
  }
  for (const name of recorded.keys()) {
    if (!files.includes(name)) throw new MigrationError(name, `is recorded as applied but missing from ${dir}; restore the file`);
  }
  return applied;
}
