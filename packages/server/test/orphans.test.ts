// Orphan reconciliation after a simulated crash: a row left active with a
// stray process group, a pending run whose executor never bootstrapped.
// startQuire kills both groups, fails the active run as orphaned and runs
// the pending one again.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/open.js";
import { getRun, listJobs } from "../src/db/queries.js";
import { createRun } from "../src/runs/create.js";
import { processIdentity } from "../src/runs/process-identity.js";
import { transitionRun } from "../src/runs/transition.js";
import { startQuire, type QuireHandle } from "../src/serve/start.js";
import { groupGone, runInput, standIn, tempDir, waitFor } from "./helpers.js";

let quire: QuireHandle | undefined;
let tmp: ReturnType<typeof tempDir>;
afterEach(async () => {
  await quire?.close();
  tmp?.cleanup();
});

/** A detached process group with a grandchild, as a crashed server would leave it. */
function strayGroup(): number {
  const child = spawn("sh", ["-c", "sleep 300 & sleep 300"], { detached: true, stdio: "ignore" });
  child.unref();
  return child.pid!;
}

describe("reconcileOrphans at startup", () => {
  it("fails active runs as orphaned after killing stray groups; pending runs stay queued and run", async () => {
    tmp = tempDir();
    const db = openDatabase(path.join(tmp.dir, "quire.db"));
    const active = createRun(db, runInput("demo", "refs/heads/a")).run;
    transitionRun(db, active.id, "pending", "active");
    db.sqlite.prepare("INSERT INTO jobs (run_id, job_id, state, started_at_ms) VALUES (?, 'build', 'active', ?)").run(active.id, Date.now());
    const activePgid = strayGroup();
    db.sqlite.prepare("UPDATE runs SET pid = ? WHERE id = ?").run(activePgid, active.id);
    const lost = createRun(db, runInput("demo", "refs/heads/b")).run;
    transitionRun(db, lost.id, "pending", "active"); // active, its process long gone
    const halfStarted = createRun(db, runInput("demo", "refs/heads/c")).run;
    const pendingPgid = strayGroup();
    db.sqlite.prepare("UPDATE runs SET pid = ?, spawned_at_ms = ?, token_hash = ? WHERE id = ?").run(pendingPgid, Date.now(), "f".repeat(64), halfStarted.id);
    const queued = createRun(db, runInput("demo", "refs/heads/d")).run;
    db.close(); // the "crash"

    await new Promise((r) => setTimeout(r, 100));
    expect(groupGone(activePgid)).toBe(false);
    quire = await startQuire({ dataDir: tmp.dir, config: { port: 0, launcher: "local" }, executor: standIn("success"), killGraceMs: 300, pollMs: 50, log: () => {} });
    expect(quire.orphans.orphaned.sort()).toEqual([active.id, lost.id].sort());
    expect(quire.orphans.requeued).toEqual([halfStarted.id]);
    expect(quire.orphans.killedGroups.sort()).toEqual([activePgid, pendingPgid].sort());
    expect(getRun(quire.db, active.id)).toMatchObject({ state: "failed", failureKind: "orphaned", pid: null });
    expect(listJobs(quire.db, active.id)).toMatchObject([{ jobId: "build", state: "aborted" }]);
    expect(getRun(quire.db, lost.id)).toMatchObject({ state: "failed", failureKind: "orphaned" });
    await waitFor(() => groupGone(activePgid) && groupGone(pendingPgid), "stray groups to be gone");
    const q = quire;
    await waitFor(() => [halfStarted.id, queued.id].every((id) => getRun(q.db, id)!.state === "complete"), "queued runs to run");
  });

  it("records the executor's identity and never kills a group that only reuses the pid", async () => {
    tmp = tempDir();
    const db = openDatabase(path.join(tmp.dir, "quire.db"));
    const ours = createRun(db, runInput("demo", "refs/heads/a")).run;
    transitionRun(db, ours.id, "pending", "active");
    const oursPgid = strayGroup();
    await new Promise((r) => setTimeout(r, 50));
    const identity = processIdentity(oursPgid);
    expect(identity).toMatch(/^[0-9a-f-]+:\d+$/);
    db.sqlite.prepare("UPDATE runs SET pid = ?, pid_identity = ? WHERE id = ?").run(oursPgid, identity, ours.id);
    // Two rows whose pid now belongs to someone else: another boot, another start time.
    const stranger = strayGroup();
    const otherBoot = createRun(db, runInput("demo", "refs/heads/b")).run;
    transitionRun(db, otherBoot.id, "pending", "active");
    db.sqlite.prepare("UPDATE runs SET pid = ?, pid_identity = ? WHERE id = ?").run(stranger, `00000000-0000-0000-0000-000000000000:${identity!.split(":")[1]}`, otherBoot.id);
    const otherStart = createRun(db, runInput("demo", "refs/heads/c")).run;
    transitionRun(db, otherStart.id, "pending", "active");
    db.sqlite.prepare("UPDATE runs SET pid = ?, pid_identity = ? WHERE id = ?").run(stranger, `${identity!.split(":")[0]}:1`, otherStart.id);
    expect(() => db.sqlite.prepare("UPDATE runs SET pid = NULL WHERE id = ?").run(ours.id)).toThrow(/constraint/);
    db.close();

    try {
      quire = await startQuire({ dataDir: tmp.dir, config: { port: 0, launcher: "local" }, executor: standIn("success"), killGraceMs: 300, pollMs: 50, log: () => {} });
      expect(quire.orphans.killedGroups).toEqual([oursPgid]);
      expect(quire.orphans.foreignGroups).toEqual([stranger, stranger]);
      for (const id of [ours.id, otherBoot.id, otherStart.id]) {
        expect(getRun(quire.db, id)).toMatchObject({ state: "failed", failureKind: "orphaned", pid: null, pidIdentity: null });
      }
      await waitFor(() => groupGone(oursPgid), "our stray group to be gone");
      expect(groupGone(stranger)).toBe(false);
    } finally {
      process.kill(-stranger, "SIGKILL");
    }
  });

  it("close() stops running executors: an active run becomes failed/orphaned, nothing is left running", async () => {
    tmp = tempDir();
    quire = await startQuire({ dataDir: tmp.dir, config: { port: 0, launcher: "local" }, executor: standIn("hang"), killGraceMs: 300, pollMs: 50, log: () => {} });
    const q = quire;
    const run = q.createRun(runInput()).run;
    await waitFor(() => getRun(q.db, run.id)?.state === "active", "run to be active");
    const pgid = getRun(q.db, run.id)!.pid!;
    await q.close();
    quire = undefined;
    await waitFor(() => groupGone(pgid), "executor group to be gone");
    const db = openDatabase(path.join(tmp.dir, "quire.db"));
    expect(getRun(db, run.id)).toMatchObject({ state: "failed", failureKind: "orphaned", pid: null });
    db.close();
  });
});
