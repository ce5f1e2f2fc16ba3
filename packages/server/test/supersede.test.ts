// Supersede and operator stop: a pending run is superseded at once; an active
// one loses its whole process group (grandchild included, checked with
// kill(-pgid, 0) → ESRCH), its jobs in flight are aborted, and
// superseded_by names the new run. Other refs are untouched.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getRun, listJobs, listShEvents } from "../src/db/queries.js";
import { cancelRun } from "../src/runs/cancel.js";
import { createRun } from "../src/runs/create.js";
import { supersededMessage } from "../src/runs/stop-messages.js";
import { processIdentity } from "../src/runs/process-identity.js";
import { runDirs } from "../src/runs/spawn.js";
import { transitionRun } from "../src/runs/transition.js";
import { startQuire, type QuireHandle } from "../src/serve/start.js";
import { groupGone, runInput, standIn, tempDb, tempDir, waitFor } from "./helpers.js";

let db: ReturnType<typeof tempDb> | undefined;
let quire: QuireHandle | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await quire?.close();
  quire = undefined;
  tmp?.cleanup();
  db?.cleanup();
  db = undefined;
});

describe("supersede in the database", () => {
  it("supersedes older pending and active runs of the same (repo, ref) only", () => {
    db = tempDb();
    const a = createRun(db, runInput("demo", "refs/heads/main")).run;
    const b = createRun(db, runInput("demo", "refs/heads/main")).run;
    expect(getRun(db, a.id)).toMatchObject({ state: "superseded", supersededBy: b.id, startedAtMs: null });
    transitionRun(db, b.id, "pending", "active");
    const other = createRun(db, runInput("demo", "refs/heads/other")).run;
    const otherRepo = createRun(db, runInput("elsewhere", "refs/heads/main")).run;
    const c = createRun(db, runInput("demo", "refs/heads/main"));
    expect(c.superseded).toEqual([{ id: b.id, from: "active", pid: null, sinceMs: getRun(db, b.id)!.startedAtMs }]);
    expect(getRun(db, b.id)).toMatchObject({ state: "superseded", supersededBy: c.run.id });
    expect(getRun(db, b.id)!.finishedAtMs).not.toBeNull();
    expect(getRun(db, other.id)!.state).toBe("pending");
    expect(getRun(db, otherRepo.id)!.state).toBe("pending");
    expect(getRun(db, c.run.id)!.state).toBe("pending");
  });

  it("cancelRun ends pending and active runs as failed/cancelled, its own outcome, and leaves terminal ones", () => {
    db = tempDb();
    const p = createRun(db, runInput("demo", "refs/heads/a")).run;
    expect(cancelRun(db, p.id).stopped).toEqual({ id: p.id, from: "pending", pid: null, sinceMs: p.queuedAtMs });
    expect(getRun(db, p.id)).toMatchObject({
      state: "failed",
      failureKind: "cancelled",
      supersededBy: null,
      error: "cancelled by the operator (quire ci cancel)",
    });
    expect(cancelRun(db, p.id).stopped).toBeUndefined();
    expect(() => cancelRun(db!, "nope")).toThrow(/no run with id "nope"/);
  });

  it("refuses malformed push outputs naming the field", () => {
    db = tempDb();
    const input = runInput();
    expect(() => createRun(db!, { ...input, push: { ...input.push, sha: "zz" } })).toThrow(/field "sha"/);
    expect(() => createRun(db!, { ...input, ref: "refs/heads/x" })).toThrow(/push.ref "refs\/heads\/main" differs/);
  });
});

describe("supersede of a running executor", () => {
  async function startHanging(): Promise<QuireHandle> {
    tmp = tempDir();
    quire = await startQuire({ dataDir: tmp.dir, config: { port: 0, launcher: "local" }, executor: standIn("hang"), killGraceMs: 300, pollMs: 50, log: () => {} });
    return quire;
  }

  async function activeWithGrandchild(q: QuireHandle, id: string, repo: string) {
    const file = path.join(runDirs(q.paths.runs, repo, id).runDir, "grandchild.json");
    await waitFor(() => getRun(q.db, id)?.state === "active" && existsSync(file) && listJobs(q.db, id).length === 1, "run to be active");
    const info = JSON.parse(readFileSync(file, "utf8")) as { pid: number; pgid: number };
    expect(groupGone(info.pgid)).toBe(false);
    expect(getRun(q.db, id)!.pid).toBe(info.pgid);
    expect(getRun(q.db, id)!.pidIdentity).toBe(processIdentity(info.pgid));
    return info;
  }

  it("kills the whole process group, aborts jobs in flight and records superseded_by", async () => {
    const q = await startHanging();
    const a = q.createRun(runInput()).run;
    const { pgid, pid } = await activeWithGrandchild(q, a.id, a.repo);
    const b = q.createRun(runInput());
    expect(b.superseded).toEqual([{ id: a.id, from: "active", pid: pgid, sinceMs: getRun(q.db, a.id)!.startedAtMs }]);
    expect(supersededMessage(b.superseded[0]!)).toMatch(new RegExp(`^superseded run ${a.id} \\(active since \\d+s\\)$`));
    // In the same transaction as the run: the job and its open sh no longer look alive.
    const ended = getRun(q.db, a.id)!;
    expect(ended).toMatchObject({ state: "superseded", supersededBy: b.run.id });
    expect(listJobs(q.db, a.id)).toMatchObject([{ jobId: "long", state: "aborted", finishedAtMs: ended.finishedAtMs }]);
    expect(listShEvents(q.db, a.id)).toMatchObject([{ n: 1, exitCode: null, finishedAtMs: null, abortedAtMs: ended.finishedAtMs }]);
    await b.stopped;
    await waitFor(() => groupGone(pgid), "the superseded process group to be gone");
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    // The queue moves on to the new run, and the old one keeps its state.
    await activeWithGrandchild(q, b.run.id, b.run.repo);
    expect(getRun(q.db, a.id)).toMatchObject({ state: "superseded", pid: null });
  });

  it("cancelRun kills an active run's process group; the queue tolerates it", async () => {
    const q = await startHanging();
    const a = q.createRun(runInput()).run;
    const { pgid } = await activeWithGrandchild(q, a.id, a.repo);
    const res = cancelRun(q.db, a.id, { killGraceMs: 300 });
    expect(res.stopped).toEqual({ id: a.id, from: "active", pid: pgid, sinceMs: getRun(q.db, a.id)!.startedAtMs });
    expect(getRun(q.db, a.id)).toMatchObject({ state: "failed", failureKind: "cancelled" });
    expect(listJobs(q.db, a.id)).toMatchObject([{ jobId: "long", state: "aborted", error: "the run ended (cancelled) while the job was running" }]);
    expect(listShEvents(q.db, a.id)[0]!.abortedAtMs).not.toBeNull();
    await res.done;
    await waitFor(() => groupGone(pgid), "the cancelled process group to be gone");
    await waitFor(() => q.queue.running().length === 0, "the queue to let go of the run");
    expect(getRun(q.db, a.id)).toMatchObject({ state: "failed", failureKind: "cancelled", supersededBy: null, pid: null });
    expect(getRun(q.db, a.id)!.exitCode).not.toBeNull();
  });
});
