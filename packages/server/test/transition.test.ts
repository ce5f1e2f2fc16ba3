// transitionRun: every allowed edge, the refusal of every other, each stamp
// written once, failure_kind rules, and unfinished jobs finalized on a
// terminal transition.
import { RUN_STATES, type RunState } from "@quire/shared";
import { afterEach, describe, expect, it } from "vitest";
import { getRun, listJobs } from "../src/db/queries.js";
import { InvalidTransitionError, RunNotFoundError } from "../src/errors.js";
import { createRun } from "../src/runs/create.js";
import { RUN_EDGES, transitionRun } from "../src/runs/transition.js";
import { runInput, tempDb } from "./helpers.js";

let db: ReturnType<typeof tempDb>;
afterEach(() => db?.cleanup());

/** A fresh run driven into `state` through allowed edges. */
function runIn(state: RunState): string {
  const { run } = createRun(db, { ...runInput(`repo-${Math.random()}`), nowMs: 1000 });
  const id = run.id;
  if (state === "pending") return id;
  if (state === "failed") return transitionRun(db, id, "pending", "failed", { failureKind: "prepare-failed", nowMs: 1100 }).id;
  if (state === "superseded") return transitionRun(db, id, "pending", "superseded", { nowMs: 1100 }).id;
  transitionRun(db, id, "pending", "active", { nowMs: 1100 });
  if (state === "complete") transitionRun(db, id, "active", "complete", { nowMs: 1200 });
  return id;
}

const opts = (to: RunState) => (to === "failed" ? { failureKind: "process-crashed" as const } : {});

describe("transitionRun", () => {
  it("allows exactly the edges of SPEC §5 and refuses every other", () => {
    db = tempDb();
    const allowed: string[] = [];
    for (const from of RUN_STATES) {
      for (const to of RUN_STATES) {
        const id = runIn(from);
        let ok = true;
        try {
          transitionRun(db, id, from, to, opts(to));
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidTransitionError);
          ok = false;
          expect(getRun(db, id)!.state).toBe(from);
        }
        if (ok) {
          allowed.push(`${from}→${to}`);
          expect(getRun(db, id)!.state).toBe(to);
        }
      }
    }
    expect(allowed.sort()).toEqual(
      ["pending→active", "pending→superseded", "pending→failed", "active→complete", "active→failed", "active→superseded"].sort(),
    );
    expect(Object.entries(RUN_EDGES).flatMap(([f, ts]) => ts.map((t) => `${f}→${t}`)).sort()).toEqual(allowed.sort());
  });

  it("refuses when the run is no longer in `from`, and names the actual state", () => {
    db = tempDb();
    const id = runIn("active");
    const err = (() => {
      try {
        transitionRun(db, id, "pending", "active");
      } catch (e) {
        return e as InvalidTransitionError;
      }
    })();
    expect(err).toBeInstanceOf(InvalidTransitionError);
    expect(err!.actual).toBe("active");
    expect(err!.message).toMatch(/the run is active, not pending/);
    expect(() => transitionRun(db, "nope", "pending", "active")).toThrow(RunNotFoundError);
  });

  it("stamps started_at_ms and finished_at_ms once, monotonic even with a clock behind", () => {
    db = tempDb();
    const { run } = createRun(db, { ...runInput(), nowMs: 5000 });
    expect(run).toMatchObject({ state: "pending", queuedAtMs: 5000, startedAtMs: null, finishedAtMs: null });
    const active = transitionRun(db, run.id, "pending", "active", { nowMs: 4000 });
    expect(active.startedAtMs).toBe(5000);
    const done = transitionRun(db, run.id, "active", "complete", { nowMs: 4500 });
    expect(done).toMatchObject({ startedAtMs: 5000, finishedAtMs: 5000, failureKind: null });
    // A raw attempt to rewrite a stamp is refused by the database.
    expect(() => db.sqlite.prepare("UPDATE runs SET finished_at_ms = 9 WHERE id = ?").run(run.id)).toThrow(/at most once/);
  });

  it("requires failure_kind exactly on failed, and limits it on pending→failed", () => {
    db = tempDb();
    expect(() => transitionRun(db, runIn("active"), "active", "failed")).toThrow(/needs a failure_kind/);
    expect(() => transitionRun(db, runIn("active"), "active", "complete", { failureKind: "orphaned" })).toThrow(/only for failed/);
    expect(() => transitionRun(db, runIn("pending"), "pending", "failed", { failureKind: "orphaned" })).toThrow(/pending run fails only as/);
    expect(() => transitionRun(db, runIn("active"), "active", "failed", { failureKind: "orphaned", supersededBy: "x" })).toThrow(/superseded_by/);
    const f = transitionRun(db, runIn("active"), "active", "failed", { failureKind: "timed-out", error: "too slow" });
    expect(f).toMatchObject({ state: "failed", failureKind: "timed-out", error: "too slow" });
  });

  it("aborts active jobs and skips pending ones when the run ends", () => {
    db = tempDb();
    const id = runIn("active");
    const ins = db.sqlite.prepare("INSERT INTO jobs (run_id, job_id, state, started_at_ms, finished_at_ms) VALUES (?, ?, ?, ?, ?)");
    ins.run(id, "a", "active", 1150, null);
    ins.run(id, "b", "pending", null, null);
    ins.run(id, "c", "complete", 1120, 1130);
    transitionRun(db, id, "active", "failed", { failureKind: "process-crashed", nowMs: 1300 });
    const jobs = Object.fromEntries(listJobs(db, id).map((j) => [j.jobId, j]));
    expect(jobs.a).toMatchObject({ state: "aborted", startedAtMs: 1150, finishedAtMs: 1300 });
    expect(jobs.b).toMatchObject({ state: "skipped", startedAtMs: null, finishedAtMs: 1300 });
    expect(jobs.b!.skipReason).toMatch(/before the job started/);
    expect(jobs.c).toMatchObject({ state: "complete", finishedAtMs: 1130 });
  });
});
