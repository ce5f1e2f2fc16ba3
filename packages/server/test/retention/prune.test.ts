// Pruning and the workspace sweep on a real database file and real run
// directories: what goes, what stays, bytes, cascades, per-repo policy read
// from the repo's .quire/config.fnl at HEAD, and dry runs that change nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_RETENTION } from "../../src/config/retention.js";
import { getRun, listJobs } from "../../src/db/queries.js";
import { queueNotification, runNotifications } from "../../src/notify/outbox.js";
import { pruneRuns } from "../../src/retention/prune.js";
import { sweepWorkspaces } from "../../src/retention/workspaces.js";
import { createRun } from "../../src/runs/create.js";
import { runDirs } from "../../src/runs/spawn.js";
import { transitionRun } from "../../src/runs/transition.js";
import { commitFiles, git, workTree } from "../git/git-helpers.js";
import { runInput, tempDb } from "../helpers.js";

const DAY = 86_400_000;
const NOW = 2_000 * DAY;
let db: ReturnType<typeof tempDb>;
let runsDir: string;
let reposDir: string;

beforeEach(() => {
  db = tempDb();
  runsDir = path.join(db.dir, "runs");
  reposDir = path.join(db.dir, "repos");
  mkdirSync(reposDir, { recursive: true });
});
afterEach(() => db.cleanup());

/** A finished run of `repo`/`ref` that ended `daysAgo` days before NOW, with a log of `bytes` bytes on disk. */
function finished(repo: string, ref: string, daysAgo: number, bytes = 100, state: "complete" | "failed" = "complete") {
  const t = NOW - daysAgo * DAY;
  const { run } = createRun(db, { ...runInput(repo, ref), nowMs: t - 10 });
  transitionRun(db, run.id, "pending", "active", { nowMs: t - 5 });
  db.sqlite.prepare("INSERT INTO jobs (run_id, job_id, state, started_at_ms, finished_at_ms) VALUES (?, 'test', 'complete', ?, ?)").run(run.id, t - 4, t - 1);
  transitionRun(db, run.id, "active", state, { nowMs: t, failureKind: state === "failed" ? "pipeline-failure" : undefined });
  const dirs = runDirs(runsDir, repo, run.id);
  mkdirSync(path.join(dirs.runDir, "jobs", "test"), { recursive: true });
  writeFileSync(path.join(dirs.runDir, "jobs", "test", "sh-1.log"), "x".repeat(bytes));
  return run;
}

describe("pruneRuns", () => {
  it("a dry run lists what would go with its bytes and changes nothing; then pruning removes rows, cascades and directories", async () => {
    const old = finished("app.git", "refs/heads/main", 100, 1000, "failed");
    const mid = finished("app.git", "refs/heads/main", 50, 300);
    const newest = finished("app.git", "refs/heads/main", 1, 7);
    const lone = finished("app.git", "refs/heads/ancient", 500, 11);
    queueNotification(db, { runId: old.id, event: "ci-failed", channel: "email", target: "me@example.org", subject: "s", body: "b", secretName: null });
    const options = { db, reposDir, runsDir, retention: DEFAULT_RETENTION, nowMs: NOW };

    const dry = await pruneRuns({ ...options, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, bytes: 1000, warnings: [] });
    expect(dry.runs.map((r) => [r.id, r.bytes, r.reason])).toEqual([[old.id, 1000, "finished 100 days ago (keep-days 90)"]]);
    expect(getRun(db, old.id)).toBeDefined();
    expect(existsSync(runDirs(runsDir, "app.git", old.id).runDir)).toBe(true);

    const done = await pruneRuns(options);
    expect(done.runs.map((r) => r.id)).toEqual([old.id]);
    expect(getRun(db, old.id)).toBeUndefined();
    expect(listJobs(db, old.id)).toEqual([]);
    expect(runNotifications(db, old.id)).toEqual([]);
    expect(existsSync(runDirs(runsDir, "app.git", old.id).runDir)).toBe(false);
    for (const kept of [mid, newest, lone]) {
      expect(getRun(db, kept.id)).toBeDefined();
      expect(existsSync(runDirs(runsDir, "app.git", kept.id).runDir)).toBe(true);
    }
    // Nothing more to do.
    expect((await pruneRuns(options)).runs).toEqual([]);
  });

  it("a repo's .quire/config.fnl at HEAD overrides the global retention, key by key", async () => {
    const bare = path.join(reposDir, "strict.git");
    git(db.dir, ["init", "-q", "--bare", "-b", "main", bare]);
    const work = await workTree(bare);
    await commitFiles(work, { ".quire/config.fnl": "{:retention {:keep-runs-per-ref 1}}\n" }, "retention");
    git(work, ["push", "-q", "origin", "main"]);
    const strict = [finished("strict.git", "refs/heads/main", 3), finished("strict.git", "refs/heads/main", 2)];
    finished("lax.git", "refs/heads/main", 3);
    finished("lax.git", "refs/heads/main", 2);
    const report = await pruneRuns({ db, reposDir, runsDir, retention: DEFAULT_RETENTION, nowMs: NOW, dryRun: true });
    expect(report.runs.map((r) => r.id)).toEqual([strict[0]!.id]);
    expect(report.runs[0]!.reason).toBe("older than the newest 1 finished runs of refs/heads/main");
  });

  it("a broken repo config is a warning and the global policy applies", async () => {
    const bare = path.join(reposDir, "broken.git");
    git(db.dir, ["init", "-q", "--bare", "-b", "main", bare]);
    const work = await workTree(bare);
    await commitFiles(work, { ".quire/config.fnl": "{:retention {:keep-days -3}}\n" }, "oops");
    git(work, ["push", "-q", "origin", "main"]);
    finished("broken.git", "refs/heads/main", 200);
    finished("broken.git", "refs/heads/main", 1);
    const report = await pruneRuns({ db, reposDir, runsDir, retention: DEFAULT_RETENTION, nowMs: NOW, dryRun: true });
    expect(report.runs).toHaveLength(1);
    expect(report.warnings).toEqual([expect.stringMatching(/^broken\.git: global retention applies: .*:keep-days must be a number of days ≥ 0/s)]);
  });

  it("never prunes a pending or active run", async () => {
    finished("app.git", "refs/heads/main", 300);
    const { run: pending } = createRun(db, { ...runInput("app.git", "refs/heads/other"), nowMs: NOW - 400 * DAY });
    const report = await pruneRuns({ db, reposDir, runsDir, retention: { keepRunsPerRef: 1, keepDays: 0 }, nowMs: NOW });
    expect(report.runs).toEqual([]);
    expect(getRun(db, pending.id)?.state).toBe("pending");
  });
});

describe("sweepWorkspaces", () => {
  it("in the workspaces directory: removes those of finished runs, keeps live runs' and unknown ones (another data directory's)", () => {
    const workspaces = path.join(db.dir, "workspaces");
    const done = finished("app.git", "refs/heads/main", 1);
    const { run: live } = createRun(db, runInput("app.git", "refs/heads/main"));
    for (const id of [done.id, live.id, "0123456789abcdef"]) mkdirSync(path.join(workspaces, id, "src"), { recursive: true });
    expect(sweepWorkspaces(db, runsDir, workspaces)).toEqual({ workspaces: [`app.git/${done.id}`], strays: [] });
    expect(existsSync(path.join(workspaces, done.id))).toBe(false);
    expect(existsSync(path.join(workspaces, live.id))).toBe(true);
    expect(existsSync(path.join(workspaces, "0123456789abcdef"))).toBe(true);
    expect(existsSync(runDirs(runsDir, "app.git", done.id).runDir)).toBe(true); // logs stay
  });

  it("in run directories of the earlier layout: removes leftover workspaces of finished runs and directories with no run", () => {
    const done = finished("team/tools.git", "refs/heads/main", 1);
    const doneWs = runDirs(runsDir, "team/tools.git", done.id).workspace;
    mkdirSync(doneWs, { recursive: true });
    writeFileSync(path.join(doneWs, "file"), "left behind");
    const { run: live } = createRun(db, runInput("app.git", "refs/heads/main"));
    const liveWs = runDirs(runsDir, "app.git", live.id).workspace;
    mkdirSync(liveWs, { recursive: true });
    const stray = runDirs(runsDir, "app.git", "0123456789ab").runDir;
    mkdirSync(path.join(stray, "workspace"), { recursive: true });
    const report = sweepWorkspaces(db, runsDir);
    expect(report).toEqual({ workspaces: [`team/tools.git/${done.id}`], strays: ["app.git/0123456789ab"] });
    expect(existsSync(doneWs)).toBe(false);
    expect(existsSync(runDirs(runsDir, "team/tools.git", done.id).runDir)).toBe(true);
    expect(existsSync(liveWs)).toBe(true);
    expect(existsSync(stray)).toBe(false);
  });
});
