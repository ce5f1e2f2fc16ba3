// Property: random interleavings of create / spawn / bootstrap / events (live,
// file-only, replayed, out of order, garbage) / cancel / exit / watchdog /
// restart never leave a row that breaks an invariant, never lose a run, and
// every run can still be driven to a terminal state. Real SQLite file, real
// processes (`sleep` stands in for a spawned executor), the real Hono app.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { isTerminalRunState, type RunEvent } from "@quire/shared";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../src/db/open.js";
import { getRun, listRuns } from "../src/db/queries.js";
import type { RunRow } from "../src/db/schema.js";
import { createApp } from "../src/http/app.js";
import { cancelRun } from "../src/runs/cancel.js";
import { createRun } from "../src/runs/create.js";
import { reconcileOrphans } from "../src/runs/orphans.js";
import { resolveAfterExit, type ExitStatus } from "../src/runs/outcome.js";
import { recordSpawn } from "../src/runs/queue.js";
import { runDirs } from "../src/runs/spawn.js";
import { hashRunToken, newRunToken } from "../src/runs/tokens.js";
import { enforceRunTimeout } from "../src/runs/watchdog.js";
import { runInput, tempDir } from "./helpers.js";

type Action =
  | { t: "create"; key: number }
  | { t: "spawn" }
  | { t: "advance"; pick: number; kind: number; job: number }
  | { t: "bootstrap"; pick: number; anyRun: boolean; runId?: string }
  | { t: "event"; pick: number; kind: number; job: number; flaw: "none" | "repeat" | "gap" | "file-only"; anyRun: boolean; runId?: string }
  | { t: "garbage"; pick: number }
  | { t: "cancel"; pick: number }
  | { t: "exit"; pick: number; status: 0 | 1 | "killed" }
  | { t: "watchdog" }
  | { t: "restart" };

const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant("create" as const), key: fc.nat(3) }), weight: 4 },
  { arbitrary: fc.constant({ t: "spawn" as const }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant("advance" as const), pick: fc.nat(), kind: fc.nat(5), job: fc.nat(1) }), weight: 16 },
  { arbitrary: fc.record({ t: fc.constant("bootstrap" as const), pick: fc.nat(), anyRun: fc.constantFrom(false, false, false, true) }), weight: 4 },
  {
    arbitrary: fc.record({
      t: fc.constant("event" as const),
      pick: fc.nat(),
      kind: fc.nat(6),
      job: fc.nat(1),
      flaw: fc.constantFrom("none", "none", "none", "repeat", "gap", "file-only"),
      anyRun: fc.constantFrom(false, false, false, true),
    }),
    weight: 14,
  },
  { arbitrary: fc.record({ t: fc.constant("garbage" as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("cancel" as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("exit" as const), pick: fc.nat(), status: fc.constantFrom(0 as const, 1 as const, "killed" as const) }), weight: 3 },
  { arbitrary: fc.constant({ t: "watchdog" as const }), weight: 1 },
  { arbitrary: fc.constant({ t: "restart" as const }), weight: 1 },
);

/** What the stand-in executor of one run knows: its token, process and the seq it emitted last. */
interface Exec {
  token: string;
  proc: ChildProcess;
  seq: number;
  /** Every event it emitted, in order (its events.jsonl, parsed). */
  log: RunEvent[];
}

const children = new Set<ChildProcess>();
/** Live-path answers seen, by "status code". */
const stats: Record<string, number> = {};
function count(res: { status: number; body: { error?: { code: string } } }): void {
  const key = `${res.status} ${res.body.error?.code ?? "ok"}`;
  stats[key] = (stats[key] ?? 0) + 1;
}
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

class World {
  db: Db;
  app: ReturnType<typeof createApp>;
  created: string[] = [];
  execs = new Map<string, Exec>();
  constructor(readonly dir: string) {
    this.db = openDatabase(path.join(dir, "quire.db"));
    this.app = createApp({ db: this.db, config: { secrets: {}, maxParallelJobs: 1 }, log: () => {} });
  }
  get runsDir() {
    return path.join(this.dir, "runs");
  }
  pick(n: number, filter: (r: RunRow) => boolean): RunRow | undefined {
    const rows = this.created.map((id) => getRun(this.db, id)!).filter(filter);
    return rows.length === 0 ? undefined : rows[n % rows.length];
  }
  async request(method: "GET" | "POST", p: string, token: string, body?: unknown) {
    const res = await this.app.request(p, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; expected_seq?: number } } };
  }
  /** What the API must answer for `token` given the row right now. */
  expectAuth(run: RunRow, token: string): "ok" | "unauthorized" | "run_terminal" {
    if (run.tokenHash !== hashRunToken(token)) return "unauthorized";
    return isTerminalRunState(run.state) ? "run_terminal" : "ok";
  }
}

/** The executor's next event (seq = its last + 1), not yet recorded. */
function eventFor(e: Exec, kind: number, job: number): RunEvent {
  const base = { seq: e.seq + 1, at_ms: Date.now() };
  const job_id = job === 0 ? "build" : "test";
  switch (kind) {
    case 0:
      return { ...base, type: "job_started", job_id };
    case 1:
      return { ...base, type: "sh_started", job_id, n: 1, cmd: "make" };
    case 2:
      return { ...base, type: "sh_finished", job_id, n: 1, exit_code: job };
    case 3:
      return { ...base, type: "job_finished", job_id, outcome: job === 0 ? "complete" : "failed" };
    case 4:
      return { ...base, type: "job_skipped", job_id, reason: "dependency failed" };
    case 5:
      return { ...base, type: "run_finished", outcome: job === 0 ? "success" : "pipeline-failure" };
    default:
      // The job graph: both jobs pending until they start (ignored once one has).
      return {
        ...base,
        type: "pipeline_validated",
        jobs: [
          { job_id: "build", inputs: ["quire/push"], allow_failure: false },
          { job_id: "test", inputs: ["build"], allow_failure: job === 1 },
        ],
      };
  }
}

async function step(w: World, a: Action): Promise<void> {
  switch (a.t) {
    case "create": {
      const ref = a.key % 2 === 0 ? "refs/heads/main" : "refs/heads/dev";
      const repo = a.key < 2 ? "alpha" : "beta";
      const { run, stopped } = createRun(w.db, runInput(repo, ref));
      w.created.push(run.id);
      await stopped;
      return;
    }
    case "spawn": {
      const run = w.pick(0, (r) => r.state === "pending" && r.pid === null);
      if (run !== undefined) spawnFor(w, run);
      return;
    }
    case "advance": {
      // The natural next step of some live run: spawn, bootstrap, or its next event.
      const run = w.pick(a.pick, (r) => r.state === "pending" || r.state === "active");
      if (run === undefined) return step(w, { t: "create", key: a.pick % 4 });
      if (run.state === "pending" && run.pid === null) return spawnFor(w, run);
      if (run.state === "pending") return step(w, { t: "bootstrap", pick: 0, anyRun: true, runId: run.id });
      return step(w, { t: "event", pick: 0, kind: a.kind, job: a.job, flaw: "none", anyRun: true, runId: run.id });
    }
    case "bootstrap": {
      // Mostly a spawned pending run; sometimes any run with an executor (refusals).
      const run = w.pick(a.pick, (r) => w.execs.has(r.id) && (a.runId === undefined ? a.anyRun || r.state === "pending" : r.id === a.runId));
      if (run === undefined) return;
      const exec = w.execs.get(run.id)!;
      const auth = w.expectAuth(run, exec.token);
      const res = await w.request("GET", "/api/run/bootstrap", exec.token);
      if (auth !== "ok") {
        expect(res.status).toBe(401);
        expect(res.body.error?.code).toBe(auth);
      } else if (run.state === "pending") {
        expect(res.status).toBe(200);
        expect(getRun(w.db, run.id)!.state).toBe("active");
      } else {
        expect(res.status).toBe(409);
      }
      return;
    }
    case "event": {
      // Mostly an active run; sometimes any run with an executor (refusals).
      const run = w.pick(a.pick, (r) => w.execs.has(r.id) && (a.runId === undefined ? a.anyRun || r.state === "active" : r.id === a.runId));
      if (run === undefined) return;
      const exec = w.execs.get(run.id)!;
      const dirs = runDirs(w.runsDir, run.repo, run.id);
      let event: RunEvent;
      if (a.flaw === "repeat" && exec.log.length > 0) event = exec.log[exec.log.length - 1]!;
      else if (a.flaw === "gap") event = { ...eventFor(exec, a.kind, a.job), seq: exec.seq + 2 }; // a broken sender
      else {
        event = eventFor(exec, a.kind, a.job);
        exec.seq = event.seq;
        exec.log.push(event);
        appendFileSync(dirs.eventsFile, JSON.stringify(event) + "\n");
        if (a.flaw === "file-only") return; // the live post was lost
      }
      const auth = w.expectAuth(run, exec.token);
      let res = await w.request("POST", "/api/run/events", exec.token, event);
      count(res);
      if (auth !== "ok") return void expect(res.status).toBe(401);
      if (run.state !== "active") return void expect(res.body.error?.code).toBe("run_not_active");
      if (event.seq !== run.lastEventSeq + 1) {
        expect(res.body.error?.code).toBe("seq_out_of_order");
        expect(res.body.error?.expected_seq).toBe(run.lastEventSeq + 1);
        // A careful sender re-sends what the server is missing, as one batch.
        const backlog = exec.log.filter((e) => e.seq >= run.lastEventSeq + 1);
        if (a.flaw !== "none" || backlog.length === 0) return;
        res = await w.request("POST", "/api/run/events", exec.token, backlog);
        count(res);
      }
      expect(res.status).toBe(200);
      expect(getRun(w.db, run.id)!.lastEventSeq).toBe(exec.seq);
      return;
    }
    case "garbage": {
      const run = w.pick(a.pick, (r) => w.execs.has(r.id));
      if (run !== undefined) appendFileSync(runDirs(w.runsDir, run.repo, run.id).eventsFile, '{"seq": "nope"\n');
      return;
    }
    case "cancel": {
      const run = w.pick(a.pick, () => true);
      if (run !== undefined) await cancelRun(w.db, run.id, { killGraceMs: 200 }).done;
      return;
    }
    case "exit": {
      const run = w.pick(a.pick, (r) => w.execs.get(r.id)?.proc.exitCode === null && w.execs.get(r.id)?.proc.signalCode === null);
      if (run === undefined) return;
      await exitExec(w, run, a.status);
      return;
    }
    case "watchdog": {
      // A clock far ahead: every active or spawned run is past its timeout.
      const { stopped } = enforceRunTimeout(w.db, { runTimeoutMs: 1000, nowMs: Date.now() + 3_600_000, killGraceMs: 200 });
      await stopped;
      return;
    }
    case "restart": {
      w.db.close();
      w.db = openDatabase(path.join(w.dir, "quire.db"));
      w.app = createApp({ db: w.db, config: { secrets: {}, maxParallelJobs: 1 }, log: () => {} });
      await reconcileOrphans(w.db, { killGraceMs: 200 });
      return;
    }
  }
}

/** Spawn a stand-in executor for a pending run and record it as the queue does. */
function spawnFor(w: World, run: RunRow): void {
  const proc = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
  children.add(proc);
  const token = newRunToken(run.id);
  expect(recordSpawn(w.db, run.id, proc.pid!, token)).toBe(true);
  mkdirSync(runDirs(w.runsDir, run.repo, run.id).runDir, { recursive: true });
  w.execs.set(run.id, { token, proc, seq: 0, log: [] });
}

/** The executor of `run` exits with `status`; the queue's exit path runs. */
async function exitExec(w: World, run: RunRow, status: 0 | 1 | "killed"): Promise<void> {
  const exec = w.execs.get(run.id)!;
  if (exec.proc.exitCode === null && exec.proc.signalCode === null) {
    const exited = new Promise((r) => exec.proc.once("exit", r));
    exec.proc.kill("SIGKILL");
    await exited;
  }
  const st: ExitStatus = status === "killed" ? { code: null, signal: "SIGKILL" } : { code: status, signal: null };
  resolveAfterExit(w.db, run.id, st, { eventsFile: runDirs(w.runsDir, run.repo, run.id).eventsFile });
}

function checkInvariants(w: World): void {
  const s = w.db.sqlite;
  const count = (sql: string) => (s.prepare(sql).get() as { n: number }).n;
  // No run is lost.
  const all = listRuns(w.db);
  expect(all.map((r) => r.id).sort()).toEqual([...w.created].sort());
  for (const r of all) {
    const shape =
      r.state === "pending"
        ? r.startedAtMs === null && r.finishedAtMs === null && r.reportedOutcome === null
        : r.state === "active"
          ? r.startedAtMs !== null && r.finishedAtMs === null
          : r.finishedAtMs !== null && (r.state !== "complete" || r.startedAtMs !== null);
    expect(shape, `shape of ${JSON.stringify(r)}`).toBe(true);
    expect(r.failureKind !== null, `failure_kind of ${r.id}`).toBe(r.state === "failed");
    if (r.startedAtMs !== null) expect(r.startedAtMs).toBeGreaterThanOrEqual(r.queuedAtMs);
    if (r.finishedAtMs !== null) expect(r.finishedAtMs).toBeGreaterThanOrEqual(r.startedAtMs ?? r.queuedAtMs);
    if (isTerminalRunState(r.state)) expect(r.pid, `terminal run ${r.id} still holds a process`).toBeNull();
    if (r.supersededBy !== null) {
      const by = getRun(w.db, r.supersededBy)!;
      expect([by.repo, by.ref]).toEqual([r.repo, r.ref]);
      expect(by.queuedAtMs).toBeGreaterThanOrEqual(r.queuedAtMs);
    }
  }
  // Nothing in flight under a run that is not active; pending runs have no jobs.
  expect(count("SELECT count(*) AS n FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.state <> 'active' AND j.state IN ('pending', 'active')")).toBe(0);
  expect(count("SELECT count(*) AS n FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.state = 'pending'")).toBe(0);
  // Supersede leaves at most one live run per (repo, ref).
  expect(count("SELECT count(*) AS n FROM (SELECT 1 FROM runs WHERE state IN ('pending', 'active') GROUP BY repo, ref HAVING count(*) > 1)")).toBe(0);
}

/** Drive every run to a terminal state the way the queue would. */
async function drain(w: World): Promise<void> {
  for (let guard = 0; guard < 100; guard++) {
    const live = listRuns(w.db, { states: ["pending", "active"], order: "oldest" });
    if (live.length === 0) return;
    const run = live[0]!;
    if (run.state === "pending" && run.pid === null) spawnFor(w, run);
    const fresh = getRun(w.db, run.id)!;
    const exec = w.execs.get(run.id)!;
    if (fresh.state === "pending") await w.request("GET", "/api/run/bootstrap", exec.token);
    await exitExec(w, getRun(w.db, run.id)!, 0);
    checkInvariants(w);
  }
  throw new Error("runs still live after draining: a stuck run");
}

describe("run lifecycle under random interleavings", () => {
  it("keeps every invariant after every step and leaves no run lost or stuck", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 30, size: "max" }), async (actions) => {
        const t = tempDir("quire-prop-");
        const w = new World(t.dir);
        try {
          for (const a of actions) {
            await step(w, a);
            checkInvariants(w);
          }
          await step(w, { t: "restart" });
          checkInvariants(w);
          await drain(w);
          for (const r of listRuns(w.db)) expect(isTerminalRunState(r.state)).toBe(true);
        } finally {
          for (const e of w.execs.values()) if (e.proc.exitCode === null && e.proc.signalCode === null) e.proc.kill("SIGKILL");
          w.db.close();
          t.cleanup();
        }
      }),
      { numRuns: 40 },
    );
    // The interleavings must reach the interesting paths, not just refusals.
    expect(stats["200 ok"] ?? 0).toBeGreaterThan(40);
    expect(stats["409 seq_out_of_order"] ?? 0).toBeGreaterThan(5);
    expect(stats["401 run_terminal"] ?? 0).toBeGreaterThan(0);
  }, 90_000);
});
