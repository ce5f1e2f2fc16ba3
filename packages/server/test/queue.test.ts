// The queue end to end: startQuire with a stand-in executor (a real Node
// script calling the real HTTP API), each outcome of the outcome rule,
// prepare failures, the concurrency limit, the watchdog and workspaces.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getRun, listJobs, listRuns, listShEvents } from "../src/db/queries.js";
import type { RunRow } from "../src/db/schema.js";
import { startQuire, type QuireHandle, type StartQuireOptions } from "../src/serve/start.js";
import { runDirs } from "../src/runs/spawn.js";
import { groupGone, runInput, standIn, tempDir, waitFor } from "./helpers.js";

let quire: QuireHandle | undefined;
let tmp: ReturnType<typeof tempDir>;
const logs: string[] = [];

afterEach(async () => {
  await quire?.close();
  quire = undefined;
  tmp?.cleanup();
  logs.length = 0;
});

async function start(scenario: string, extra: Partial<StartQuireOptions> = {}): Promise<QuireHandle> {
  tmp = tempDir();
  quire = await startQuire({
    dataDir: tmp.dir,
    config: { port: 0, launcher: "local" },
    executor: standIn(scenario),
    killGraceMs: 300,
    pollMs: 50,
    watchdogMs: 50,
    log: (l) => logs.push(l),
    ...extra,
  });
  return quire;
}

async function finished(q: QuireHandle, id: string): Promise<RunRow> {
  return waitFor(() => {
    const r = getRun(q.db, id);
    return r !== undefined && ["complete", "failed", "superseded"].includes(r.state) && r.pid === null && q.queue.running().length === 0 && r;
  }, `run ${id} to finish`);
}

describe("run queue with a stand-in executor", () => {
  it("exit 0 + run_finished success → complete, with env, args, cwd and the live projection", async () => {
    const q = await start("env", { keepWorkspaces: true });
    const { run } = q.createRun(runInput());
    const done = await finished(q, run.id);
    expect(done).toMatchObject({ state: "complete", failureKind: null, exitCode: 0, reportedOutcome: "success" });
    expect(done.startedAtMs).not.toBeNull();
    const dirs = runDirs(q.paths.runs, run.repo, run.id, q.workspacesDir);
    const env = JSON.parse(readFileSync(path.join(dirs.runDir, "env.json"), "utf8"));
    expect(env.url).toBe(q.url);
    expect(env.hasToken).toBe(true);
    // The token came on a pipe: it is in neither the environment nor argv.
    expect(JSON.stringify(env.env)).not.toContain(`${run.id}.`);
    expect(env.env.QUIRE__TOKEN_FD).toBe("3");
    expect(env.cwd).toBe(dirs.workspace);
    expect(path.relative(q.paths.dataDir, dirs.workspace)).toMatch(/^\.\.\//); // outside the data directory
    expect(env.argv.slice(-4)).toEqual(["--events", dirs.eventsFile, "--out-dir", dirs.runDir]);
    expect(env.argv.join(" ")).not.toMatch(new RegExp(`${run.id}\\.`)); // the token is never on the command line
    const boot = JSON.parse(readFileSync(path.join(dirs.runDir, "bootstrap.json"), "utf8"));
    expect(boot.run_id).toBe(run.id);
    expect(existsSync(dirs.logFile)).toBe(true);
  });

  it("projects jobs and sh rows, removes the workspace, keeps the log", async () => {
    const q = await start("success");
    const { run } = q.createRun(runInput());
    await finished(q, run.id);
    expect(listJobs(q.db, run.id)).toMatchObject([{ jobId: "test", state: "complete" }]);
    expect(listShEvents(q.db, run.id)).toMatchObject([{ jobId: "test", n: 1, cmd: "npm test", exitCode: 0 }]);
    const dirs = runDirs(q.paths.runs, run.repo, run.id);
    expect(existsSync(dirs.workspace)).toBe(false);
    expect(existsSync(dirs.eventsFile)).toBe(true);
  });

  const outcomes: [string, Partial<RunRow>, RegExp | null][] = [
    ["pipeline-failure", { state: "failed", failureKind: "pipeline-failure", exitCode: 0, error: "job test failed" }, null],
    ["job-timeout", { state: "failed", failureKind: "timed-out", exitCode: 0 }, null],
    ["no-run-finished", { state: "failed", failureKind: "process-crashed", exitCode: 0 }, /exited 0 without a run_finished event/],
    ["crash", { state: "failed", failureKind: "process-crashed", exitCode: 3, reportedOutcome: "success" }, /exited with code 3/],
    ["no-bootstrap", { state: "failed", failureKind: "process-crashed", exitCode: 1, startedAtMs: null }, /before calling bootstrap/],
  ];
  for (const [scenario, expected, error] of outcomes) {
    it(`outcome rule: ${scenario}`, async () => {
      const q = await start(scenario);
      const { run } = q.createRun(runInput());
      const done = await finished(q, run.id);
      expect(done).toMatchObject(expected);
      if (error) expect(done.error).toMatch(error);
      // Nothing is left in flight under a terminal run.
      for (const j of listJobs(q.db, run.id)) expect(["complete", "failed", "skipped", "aborted"]).toContain(j.state);
    });
  }

  it("pipeline-failure records the failed and skipped jobs; no-run-finished aborts the job in flight", async () => {
    const q = await start("pipeline-failure");
    const { run } = q.createRun(runInput());
    await finished(q, run.id);
    const jobs = Object.fromEntries(listJobs(q.db, run.id).map((j) => [j.jobId, j]));
    expect(jobs.test).toMatchObject({ state: "failed", error: "ci.fnl:3:4: sh exited 1" });
    expect(jobs.deploy).toMatchObject({ state: "skipped", skipReason: "test failed", startedAtMs: null });
  });

  it("post-exit ingest fills what the live path never saw", async () => {
    const q = await start("file-only");
    const { run } = q.createRun(runInput());
    const done = await finished(q, run.id);
    expect(done).toMatchObject({ state: "complete", lastEventSeq: 5 });
    expect(listJobs(q.db, run.id)).toMatchObject([{ jobId: "test", state: "complete" }]);
    expect(listShEvents(q.db, run.id)).toHaveLength(1);
  });

  it("garbage lines in events.jsonl are reported and skipped; the outcome rule still holds", async () => {
    const q = await start("garbage");
    const { run } = q.createRun(runInput());
    const done = await finished(q, run.id);
    expect(done).toMatchObject({ state: "complete", reportedOutcome: "success" });
    expect(listJobs(q.db, run.id)).toMatchObject([{ jobId: "test", state: "complete" }]);
    const lines = logs.filter((l) => l.includes("events.jsonl line"));
    expect(lines.some((l) => /line 2: skipped malformed line: not valid JSON/.test(l))).toBe(true);
    expect(lines.some((l) => /line 3: skipped malformed line: .*unknown event type "nonsense"/.test(l))).toBe(true);
    expect(lines.some((l) => /line 5: skipped malformed line/.test(l))).toBe(true);
    const runLog = readFileSync(runDirs(q.paths.runs, run.repo, run.id).logFile, "utf8");
    expect(runLog).toMatch(/quire serve: events.jsonl line 2: skipped malformed line: not valid JSON/);
  });

  it("a failing prepare fails the run pending→failed/prepare-failed and the queue moves on", async () => {
    let calls = 0;
    const q = await start("success", {
      prepare: async (run, dirs) => {
        calls++;
        writeFileSync(path.join(dirs.workspace, "marker"), "x");
        if (run.ref === "refs/heads/broken") throw new Error("git archive exited 128: not a tree");
      },
    });
    const bad = q.createRun(runInput("demo", "refs/heads/broken")).run;
    const good = q.createRun(runInput("demo", "refs/heads/main")).run;
    expect(await finished(q, bad.id)).toMatchObject({ state: "failed", failureKind: "prepare-failed", startedAtMs: null, pid: null });
    expect(getRun(q.db, bad.id)!.error).toMatch(/could not prepare the workspace: git archive exited 128/);
    // The half-written workspace of the failed run is gone.
    expect(existsSync(runDirs(q.paths.runs, bad.repo, bad.id).workspace)).toBe(false);
    expect(await finished(q, good.id)).toMatchObject({ state: "complete" });
    expect(calls).toBe(2);
  });

  it("a missing executor command fails the run as process-crashed", async () => {
    const q = await start("success", { executor: { command: path.join("no", "such", "quire-ci") } });
    const { run } = q.createRun(runInput());
    const done = await finished(q, run.id);
    expect(done).toMatchObject({ state: "failed", failureKind: "process-crashed" });
    expect(done.error).toMatch(/could not start quire-ci/);
  });

  it("runs at most max-concurrent-runs at once, oldest pending first", async () => {
    const q = await start("success", { config: { port: 0, launcher: "local", maxConcurrentRuns: 2 } });
    const ids = [1, 2, 3, 4, 5].map((i) => q.createRun(runInput("demo", `refs/heads/b${i}`)).run.id);
    let peak = 0;
    const order: string[] = [];
    await waitFor(() => {
      const active = listRuns(q.db, { states: ["active"] });
      peak = Math.max(peak, q.queue.running().length);
      for (const r of active) if (!order.includes(r.id)) order.push(r.id);
      return ids.every((id) => getRun(q.db, id)!.state === "complete") && q.queue.running().length === 0;
    }, "all runs to complete", 20_000);
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThanOrEqual(1);
    const started = ids.map((id) => getRun(q.db, id)!.startedAtMs!);
    expect(started[0]!).toBeLessThanOrEqual(started[4]!);
  });

  it("refuses to start on a port in use, naming it, and releases the database", async () => {
    const q = await start("success");
    const other = tempDir();
    try {
      await expect(startQuire({ dataDir: other.dir, config: { port: q.port, launcher: "local" }, executor: standIn("success"), log: () => {} })).rejects.toThrow(
        new RegExp(`port ${q.port} on 127.0.0.1 is already in use; pass --port N`),
      );
    } finally {
      other.cleanup();
    }
  });

  // The timeout leaves room for the stand-in to start its job first, even on a loaded machine.
  it("the watchdog times out a run past :run-timeout and kills its process group", async () => {
    const q = await start("hang", { config: { port: 0, launcher: "local", runTimeoutSeconds: 4 } });
    const { run } = q.createRun(runInput());
    const done = await finished(q, run.id);
    expect(done).toMatchObject({ state: "failed", failureKind: "timed-out" });
    expect(done.error).toMatch(/ran past the run timeout/);
    expect(listJobs(q.db, run.id)).toMatchObject([{ jobId: "long", state: "aborted" }]);
    const { pgid } = JSON.parse(readFileSync(path.join(runDirs(q.paths.runs, run.repo, run.id).runDir, "grandchild.json"), "utf8"));
    await waitFor(() => groupGone(pgid), "the process group to be gone");
  });

  it("the watchdog times out an executor that never bootstraps", async () => {
    const q = await start("hang-before-bootstrap", { config: { port: 0, launcher: "local", runTimeoutSeconds: 0.4 } });
    const { run } = q.createRun(runInput());
    const done = await finished(q, run.id);
    expect(done).toMatchObject({ state: "failed", failureKind: "timed-out", startedAtMs: null });
  });
});
