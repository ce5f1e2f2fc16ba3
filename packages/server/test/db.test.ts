// The database: migrations applied once, tracked and append-only; WAL and
// foreign keys on; CHECK constraints and triggers reject bad rows written
// by raw SQL, whatever the code does.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../src/db/open.js";
import { MIGRATIONS_DIR } from "../src/db/migrate.js";
import { jobs, mirrorStatus, notifications, pipelineJobs, refUpdates, runPipelines, runners, runs, shEvents } from "../src/db/schema.js";
import { MigrationError } from "../src/errors.js";
import { nextSha, tempDb, tempDir } from "./helpers.js";

let db: ReturnType<typeof tempDb>;
afterEach(() => db?.cleanup());

const SHA = "a".repeat(40);

function insertRun(d: Db, cols: Record<string, unknown>) {
  const row = { id: `r${Math.random().toString(16).slice(2)}`, repo: "demo", ref: "refs/heads/main", sha: SHA, state: "pending", queued_at_ms: 100, push_json: "{}", ...cols };
  const keys = Object.keys(row);
  d.sqlite.prepare(`INSERT INTO runs (${keys.join(", ")}) VALUES (${keys.map((k) => "@" + k).join(", ")})`).run(row);
  return row.id as string;
}

describe("migrations", () => {
  it("applies every file once, in a tracked table, with WAL and foreign keys on", () => {
    db = tempDb();
    const names = db.sqlite.prepare("SELECT name FROM schema_migrations ORDER BY name").all() as { name: string }[];
    expect(names.map((n) => n.name)).toContain("0001_initial.sql");
    expect(db.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    db.close();
    const again = openDatabase(db.file);
    expect((again.sqlite.prepare("SELECT count(*) AS n FROM schema_migrations").get() as { n: number }).n).toBe(names.length);
    again.close();
  });

  it("refuses to start when a landed migration was edited, and rolls back a failing one", () => {
    const t = tempDir();
    try {
      const dir = path.join(t.dir, "migrations");
      mkdirSync(dir);
      copyFileSync(path.join(MIGRATIONS_DIR, "0001_initial.sql"), path.join(dir, "0001_initial.sql"));
      openDatabase(path.join(t.dir, "q.db"), { migrationsDir: dir }).close();
      writeFileSync(path.join(dir, "0001_initial.sql"), "-- edited\n", { flag: "a" });
      expect(() => openDatabase(path.join(t.dir, "q.db"), { migrationsDir: dir })).toThrow(/0001_initial.sql: was edited after it was applied/);

      const dir2 = path.join(t.dir, "m2");
      mkdirSync(dir2);
      writeFileSync(path.join(dir2, "0001_a.sql"), "CREATE TABLE a (x INTEGER);");
      writeFileSync(path.join(dir2, "0002_b.sql"), "CREATE TABLE b (x INTEGER); CREATE TABLE broken (;");
      let err: unknown;
      try {
        openDatabase(path.join(t.dir, "q2.db"), { migrationsDir: dir2 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MigrationError);
      expect(String(err)).toMatch(/0002_b.sql: failed and was rolled back/);
      const d = openDatabase(path.join(t.dir, "q3.db"), { migrationsDir: dir });
      d.close();
      writeFileSync(path.join(dir2, "0002_b.sql"), "CREATE TABLE b (x INTEGER);");
      const ok = openDatabase(path.join(t.dir, "q2.db"), { migrationsDir: dir2 });
      // 0001 had committed on its own; table b exists exactly once after the fix.
      expect(ok.sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('a', 'b', 'broken')").get()).toEqual({ n: 2 });
      ok.close();
      writeFileSync(path.join(dir2, "bad name.sql"), "");
      expect(() => openDatabase(path.join(t.dir, "q2.db"), { migrationsDir: dir2 })).toThrow(/file name must look like/);
    } finally {
      t.cleanup();
    }
  });

  it("Drizzle schema columns match the SQL tables", () => {
    db = tempDb();
    for (const table of [runs, jobs, shEvents, refUpdates, pipelineJobs, runPipelines, mirrorStatus, notifications, runners]) {
      const cfg = getTableConfig(table);
      const sqlCols = (db.sqlite.prepare(`PRAGMA table_info(${cfg.name})`).all() as { name: string; notnull: number }[]).map(
        (c) => `${c.name}:${c.notnull}`,
      );
      const ormCols = cfg.columns.map((c) => `${c.name}:${c.notNull ? 1 : 0}`);
      expect(ormCols.sort()).toEqual(sqlCols.sort());
    }
  });
});

describe("CHECK constraints and triggers reject bad rows written by raw SQL", () => {
  const badRuns: [string, Record<string, unknown>][] = [
    ["pending with started_at_ms", { state: "pending", started_at_ms: 200 }],
    ["pending with finished_at_ms", { state: "pending", finished_at_ms: 200 }],
    ["active without started_at_ms", { state: "active" }],
    ["active with finished_at_ms", { state: "active", started_at_ms: 200, finished_at_ms: 300 }],
    ["complete without started_at_ms", { state: "complete", finished_at_ms: 300 }],
    ["complete without finished_at_ms", { state: "complete", started_at_ms: 200 }],
    ["failed without finished_at_ms", { state: "failed", started_at_ms: 200, failure_kind: "process-crashed" }],
    ["failed without failure_kind", { state: "failed", finished_at_ms: 300 }],
    ["superseded without finished_at_ms", { state: "superseded" }],
    ["complete with failure_kind", { state: "complete", started_at_ms: 200, finished_at_ms: 300, failure_kind: "orphaned" }],
    ["started before queued", { state: "active", started_at_ms: 50 }],
    ["an unknown launcher", { launcher: "docker" }],
    ["a runner on a run that is not remote", { launcher: "bwrap", runner: "arm-box" }],
    ["claimed without a runner", { launcher: "remote", claimed_at_ms: 200 }],
    ["claimed before queued", { launcher: "remote", runner: "arm-box", claimed_at_ms: 50 }],
    ["runs-on that is not a sequence", { runs_on_json: '{"linux":true}' }],
    ["finished before started", { state: "complete", started_at_ms: 200, finished_at_ms: 150 }],
    ["finished before queued", { state: "superseded", finished_at_ms: 50 }],
    ["unknown state", { state: "running" }],
    ["failure_kind not kebab-case", { state: "failed", finished_at_ms: 300, failure_kind: "Process Crashed" }],
    ["superseded_by on a non-superseded run", { state: "failed", finished_at_ms: 300, failure_kind: "orphaned", superseded_by: "x" }],
    ["short sha", { sha: "abc" }],
    ["ref outside refs/", { ref: "main" }],
    ["invalid push_json", { push_json: "{nope" }],
    ["reported_outcome on a pending run", { reported_outcome: "success" }],
    ["reported_outcome not an outcome", { state: "active", started_at_ms: 200, reported_outcome: "fine" }],
    ["spawned before queued", { spawned_at_ms: 10 }],
  ];
  for (const [name, cols] of badRuns) {
    it(`runs: ${name}`, () => {
      db = tempDb();
      expect(() => insertRun(db, cols)).toThrow(/constraint|FOREIGN KEY/i);
    });
  }

  it("runs: the good shapes of every state are accepted", () => {
    db = tempDb();
    insertRun(db, {});
    insertRun(db, { state: "active", started_at_ms: 100 });
    insertRun(db, { state: "complete", started_at_ms: 100, finished_at_ms: 100 });
    insertRun(db, { state: "failed", finished_at_ms: 100, failure_kind: "prepare-failed" });
    const a = insertRun(db, {});
    const old = insertRun(db, { state: "superseded", started_at_ms: 150, finished_at_ms: 160, superseded_by: a });
    // Deleting the newer run (retention) clears the reference instead of failing.
    db.sqlite.prepare("DELETE FROM runs WHERE id = ?").run(a);
    expect(db.sqlite.prepare("SELECT superseded_by FROM runs WHERE id = ?").get(old)).toEqual({ superseded_by: null });
  });

  it("runs: state edges and write-once stamps hold even for raw UPDATEs", () => {
    db = tempDb();
    const done = insertRun(db, { state: "complete", started_at_ms: 200, finished_at_ms: 300 });
    expect(() => db.sqlite.prepare("UPDATE runs SET state = 'active' WHERE id = ?").run(done)).toThrow(/run state machine/);
    const active = insertRun(db, { state: "active", started_at_ms: 200 });
    expect(() => db.sqlite.prepare("UPDATE runs SET state = 'pending', started_at_ms = NULL WHERE id = ?").run(active)).toThrow(/run state machine|written at most once/);
    expect(() => db.sqlite.prepare("UPDATE runs SET started_at_ms = 250 WHERE id = ?").run(active)).toThrow(/written at most once/);
    expect(() => db.sqlite.prepare("UPDATE runs SET sha = ? WHERE id = ?").run(nextSha(), active)).toThrow(/written at most once/);
    expect(() => db.sqlite.prepare("UPDATE runs SET finished_at_ms = 400 WHERE id = ?").run(done)).toThrow(/written at most once/);
    expect(() => db.sqlite.prepare("UPDATE runs SET last_event_seq = 5 WHERE id = ?").run(active)).not.toThrow();
    expect(() => db.sqlite.prepare("UPDATE runs SET last_event_seq = 4 WHERE id = ?").run(active)).toThrow(/written at most once/);
  });

  it("jobs and sh_events: shapes, edges, foreign keys and cascade", () => {
    db = tempDb();
    const run = insertRun(db, { state: "active", started_at_ms: 100 });
    const job = (cols: Record<string, unknown>) => {
      const row = { run_id: run, job_id: `j${Math.random().toString(16).slice(2)}`, state: "pending", ...cols };
      const keys = Object.keys(row);
      db.sqlite.prepare(`INSERT INTO jobs (${keys.join(", ")}) VALUES (${keys.map((k) => "@" + k).join(", ")})`).run(row);
      return row.job_id as string;
    };
    const bad: Record<string, unknown>[] = [
      { state: "pending", started_at_ms: 1 },
      { state: "active" },
      { state: "active", started_at_ms: 1, finished_at_ms: 2 },
      { state: "complete", finished_at_ms: 2 },
      { state: "complete", started_at_ms: 1 },
      { state: "failed", started_at_ms: 1 },
      { state: "skipped", started_at_ms: 1, finished_at_ms: 2 },
      { state: "skipped" },
      { state: "aborted", started_at_ms: 1 },
      { state: "complete", started_at_ms: 5, finished_at_ms: 2 },
      { state: "complete", started_at_ms: 1, finished_at_ms: 2, timed_out: 1 },
      { state: "active", started_at_ms: 1, skip_reason: "x" },
      { state: "cooking" },
      { job_id: "a/b" },
      { job_id: "" },
      { run_id: "no-such-run" },
    ];
    for (const cols of bad) expect(() => job(cols), JSON.stringify(cols)).toThrow(/constraint/i);
    const ok = job({ state: "active", started_at_ms: 1 });
    job({ state: "skipped", finished_at_ms: 2, skip_reason: "dep failed" });
    job({ state: "failed", started_at_ms: 1, finished_at_ms: 2, timed_out: 1 });
    job({ state: "aborted", finished_at_ms: 2 });
    const done = job({ state: "complete", started_at_ms: 1, finished_at_ms: 2 });
    expect(() => db.sqlite.prepare("UPDATE jobs SET state = 'active' WHERE run_id = ? AND job_id = ?").run(run, done)).toThrow(/job state machine/);
    expect(() => db.sqlite.prepare("UPDATE jobs SET started_at_ms = 0 WHERE run_id = ? AND job_id = ?").run(run, ok)).toThrow(/at most once/);

    const sh = db.sqlite.prepare("INSERT INTO sh_events (run_id, job_id, n, cmd, started_at_ms, finished_at_ms, exit_code) VALUES (?, ?, ?, ?, ?, ?, ?)");
    expect(() => sh.run(run, "nope", 1, "x", 1, null, null)).toThrow(/FOREIGN KEY/);
    expect(() => sh.run(run, ok, 0, "x", 1, null, null)).toThrow(/constraint/);
    expect(() => sh.run(run, ok, 1, "x", 1, 2, null)).toThrow(/constraint/);
    expect(() => sh.run(run, ok, 1, "x", 5, 2, 0)).toThrow(/constraint/);
    sh.run(run, ok, 1, "x", 1, null, null);
    expect(() => sh.run(run, ok, 1, "y", 1, null, null)).toThrow(/UNIQUE|PRIMARY/);

    db.sqlite.prepare("DELETE FROM runs WHERE id = ?").run(run);
    expect(db.sqlite.prepare("SELECT count(*) AS n FROM jobs").get()).toEqual({ n: 0 });
    expect(db.sqlite.prepare("SELECT count(*) AS n FROM sh_events").get()).toEqual({ n: 0 });
  });
});
