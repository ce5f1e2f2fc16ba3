// Contract: the live path (POST /api/run/events → applyEvent "live") and
// post-exit ingest (events.jsonl → applyEvent "ingest") project the same
// fixtures to the same rows, in any split between them, idempotently.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseEventLine, type RunEvent } from "@quire/shared";
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "../src/db/open.js";
import { getRun, getRunPipeline, listJobs, listPipelineJobs, listShEvents } from "../src/db/queries.js";
import { applyEvent } from "../src/runs/apply-event.js";
import { createRun } from "../src/runs/create.js";
import { ingestEventsFile } from "../src/runs/ingest.js";
import { transitionRun } from "../src/runs/transition.js";
import { FIXTURES, runInput, tempDb } from "./helpers.js";

const DIR = path.join(FIXTURES, "projection");
let db: ReturnType<typeof tempDb>;
afterEach(() => db?.cleanup());

function activeRun(d: Db): string {
  const { run } = createRun(d, { ...runInput(`r${Math.random()}`), nowMs: 500 });
  transitionRun(d, run.id, "pending", "active", { nowMs: 600 });
  return run.id;
}

function projection(d: Db, id: string) {
  const { reportedOutcome, lastEventSeq, error } = getRun(d, id)!;
  const strip = <T extends { runId: string }>(rows: T[]) => rows.map(({ runId: _, ...rest }) => rest);
  return {
    run: { reportedOutcome, lastEventSeq, error },
    pipeline: getRunPipeline(d, id) ?? null,
    graph: strip(listPipelineJobs(d, id)),
    jobs: strip(listJobs(d, id)),
    sh: strip(listShEvents(d, id)),
  };
}

function events(file: string): RunEvent[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const r = parseEventLine(l);
      if (!r.ok) throw new Error(r.error);
      return r.event;
    });
}

describe("live and ingest projections agree", () => {
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".jsonl"))) {
    it(name, () => {
      db = tempDb();
      const file = path.join(DIR, name);
      const all = events(file);

      const live = activeRun(db);
      for (const e of all) expect(applyEvent(db, live, e, "live").kind).toMatch(/applied|ignored/);

      const ingested = activeRun(db);
      const report = ingestEventsFile(db, ingested, file);
      expect(report.applied + report.problems.filter((p) => /ignored/.test(p.message)).length).toBe(all.length);

      // Half live, then the whole file: the file fills the rest, skipping what was applied.
      const split = activeRun(db);
      for (const e of all.slice(0, Math.floor(all.length / 2))) applyEvent(db, split, e, "live");
      const rest = ingestEventsFile(db, split, file);
      expect(rest.alreadyApplied).toBe(Math.floor(all.length / 2));

      const expected = projection(db, live);
      expect(projection(db, ingested)).toEqual(expected);
      expect(projection(db, split)).toEqual(expected);
      // Ingest is idempotent.
      const again = ingestEventsFile(db, ingested, file);
      expect(again).toMatchObject({ applied: 0, alreadyApplied: all.length, problems: [] });
      expect(projection(db, ingested)).toEqual(expected);
      expect(expected.run.lastEventSeq).toBe(all.at(-1)!.seq);
    });
  }

  it("contradictory events are reported by reason, with their seq consumed", () => {
    db = tempDb();
    const id = activeRun(db);
    const report = ingestEventsFile(db, id, path.join(DIR, "contradictions.jsonl"));
    expect(report.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '1: seq 1 ignored: job "ghost" finished but it is not started',
      '3: seq 3 ignored: job "a" started again (it is active)',
      '4: seq 4 ignored: sh 1 of job "a" finished but was not running',
      '5: seq 5 ignored: sh 1 of job "b" started but the job is not started',
      '7: seq 7 ignored: job "a" skipped but it is failed',
      "9: seq 9 ignored: run_finished reported twice",
    ]);
    expect(listJobs(db, id)).toMatchObject([{ jobId: "a", state: "failed", timedOut: true }]);
    expect(getRun(db, id)).toMatchObject({ reportedOutcome: "timed-out", lastEventSeq: 9 });
  });

  it("the job graph is recorded once, every job pending until it starts; the run's end skips what never started", () => {
    db = tempDb();
    const id = activeRun(db);
    const report = ingestEventsFile(db, id, path.join(DIR, "graph.jsonl"));
    expect(report.problems.map((p) => p.message)).toEqual(["seq 9 ignored: pipeline_validated reported twice"]);
    expect(listPipelineJobs(db, id).map((j) => [j.position, j.jobId, JSON.parse(j.inputsJson), j.allowFailure, j.timeoutMs])).toEqual([
      [1, "lint", ["quire/push"], true, 30000],
      [2, "test", ["quire/push"], false, null],
      [3, "pkg", ["lint", "test"], false, null],
      [4, "deploy", ["pkg"], false, null],
    ]);
    const states = () => Object.fromEntries(listJobs(db, id).map((j) => [j.jobId, j.state]));
    expect(states()).toEqual({ lint: "failed", test: "failed", pkg: "skipped", deploy: "pending" });
    transitionRun(db, id, "active", "failed", { failureKind: "pipeline-failure", nowMs: 2000 });
    expect(states()).toEqual({ lint: "failed", test: "failed", pkg: "skipped", deploy: "skipped" });
    expect(listJobs(db, id).find((j) => j.jobId === "deploy")?.skipReason).toBe("the run ended (failed) before the job started");
  });

  it("a pipeline that declares no jobs is recorded as validated, once", () => {
    db = tempDb();
    const id = activeRun(db);
    expect(applyEvent(db, id, { seq: 1, at_ms: 700, type: "pipeline_validated", jobs: [] }, "live").kind).toBe("applied");
    expect(getRunPipeline(db, id)).toEqual({ validatedAtMs: 700, jobCount: 0 });
    expect(applyEvent(db, id, { seq: 2, at_ms: 701, type: "pipeline_validated", jobs: [] }, "live")).toEqual({
      kind: "ignored",
      reason: "pipeline_validated reported twice",
    });
  });

  it("a job graph that arrives after jobs started, or that the database refuses, writes nothing", () => {
    db = tempDb();
    const id = activeRun(db);
    const job = (job_id: string) => ({ job_id, inputs: ["quire/push"], allow_failure: false });
    expect(applyEvent(db, id, { seq: 1, at_ms: 1, type: "job_started", job_id: "a" }, "live").kind).toBe("applied");
    expect(applyEvent(db, id, { seq: 2, at_ms: 2, type: "pipeline_validated", jobs: [job("a")] }, "live")).toEqual({
      kind: "ignored",
      reason: "pipeline_validated came after jobs had started",
    });
    const other = activeRun(db);
    // A job id the jobs table refuses (the wire schema is bypassed here): neither table keeps a row of the event.
    const bad = applyEvent(db, other, { seq: 1, at_ms: 1, type: "pipeline_validated", jobs: [job("ok"), job("")] }, "live");
    expect(bad.kind).toBe("ignored");
    expect(listPipelineJobs(db, other)).toEqual([]);
    expect(getRunPipeline(db, other)).toBeUndefined();
    expect(listJobs(db, other)).toEqual([]);
    expect(getRun(db, other)!.lastEventSeq).toBe(1);
  });

  it("ingest reports gaps and garbage, applies the rest, and tolerates a missing file", () => {
    db = tempDb();
    const id = activeRun(db);
    const file = path.join(db.dir, "events.jsonl");
    writeFileSync(
      file,
      [
        '{"seq":1,"at_ms":1,"type":"job_started","job_id":"a"}',
        "garbage",
        '{"seq":4,"at_ms":2,"type":"job_finished","job_id":"a","outcome":"complete"}',
        '{"seq":2,"at_ms":2,"type":"job_started","job_id":"late"}',
        '{"seq":5,"at_ms":3,"type":"run_fin',
      ].join("\n"),
    );
    const r = ingestEventsFile(db, id, file);
    expect(r.applied).toBe(2);
    expect(r.alreadyApplied).toBe(1);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 5]);
    expect(r.problems[1]!.message).toBe("seq 2–3 missing before seq 4");
    expect(listJobs(db, id)).toMatchObject([{ jobId: "a", state: "complete" }]);
    expect(ingestEventsFile(db, id, path.join(db.dir, "none.jsonl"))).toMatchObject({ fileFound: false, applied: 0 });
  });

  it("events for a run that is not active change nothing", () => {
    db = tempDb();
    const { run } = createRun(db, runInput());
    expect(applyEvent(db, run.id, { seq: 1, at_ms: 1, type: "job_started", job_id: "a" }, "live")).toEqual({ kind: "not-active", state: "pending" });
    expect(applyEvent(db, "missing", { seq: 1, at_ms: 1, type: "job_started", job_id: "a" }, "ingest")).toEqual({ kind: "not-active", state: "missing" });
    expect(listJobs(db, run.id)).toEqual([]);
  });
});
