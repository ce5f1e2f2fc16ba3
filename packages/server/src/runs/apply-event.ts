// The one event-application function shared by the live path
// (POST /api/run/events) and post-exit ingest (events.jsonl): projects an
// event onto jobs / sh_events / runs, exactly once per seq.
import { stmt } from "../db/statements.js";
import { storageErrorCode } from "../db/writable.js";
import type { RunEvent } from "@quire/shared";
import type { Db } from "../db/open.js";

export type ApplyMode = "live" | "ingest";

export type ApplyResult =
  /** Projected; `gapFrom` is set when ingest skipped over missing seqs. */
  | { kind: "applied"; gapFrom?: number }
  /** Consumed its seq but changed nothing: it contradicts what is recorded. */
  | { kind: "ignored"; reason: string }
  /** Already applied (seq ≤ last applied): nothing done. */
  | { kind: "duplicate"; lastSeq: number }
  /** Live only: seq skips ahead of last applied + 1; nothing done. */
  | { kind: "gap"; lastSeq: number }
  /** The run is not active: events are projected only while it is. */
  | { kind: "not-active"; state: string };

/**
 * Apply `event` to run `runId`. Live mode accepts only seq = last + 1;
 * ingest mode (the file is the whole record) also accepts a later seq and
 * reports the gap. Never throws for a well-formed event: an event that
 * contradicts the projection (a job finishing that never started, …) is
 * `ignored` with a reason, and its seq is consumed.
 */
export function applyEvent(db: Db, runId: string, event: RunEvent, mode: ApplyMode): ApplyResult {
  return db.sqlite.transaction((): ApplyResult => {
    const run = stmt(db.sqlite, "SELECT state, last_event_seq FROM runs WHERE id = ?").get(runId) as
      | { state: string; last_event_seq: number }
      | undefined;
    if (run === undefined) return { kind: "not-active", state: "missing" };
    if (run.state !== "active") return { kind: "not-active", state: run.state };
    const last = run.last_event_seq;
    if (event.seq <= last) return { kind: "duplicate", lastSeq: last };
    if (event.seq > last + 1 && mode === "live") return { kind: "gap", lastSeq: last };
    stmt(db.sqlite, "UPDATE runs SET last_event_seq = ? WHERE id = ?").run(event.seq, runId);
    let reason: string | undefined;
    try {
      // A savepoint: an event that writes several rows writes all or none of them.
      reason = db.sqlite.transaction(() => project(db, runId, event))();
    } catch (e) {
      // A database that cannot be written now (full, read-only) is not the event's fault: nothing is applied and the caller hears it (the seq stays free).
      if (storageErrorCode(e) !== undefined) throw e;
      // A constraint the projection did not foresee: keep the seq, record nothing else.
      reason = `rejected by the database: ${(e as Error).message}`;
    }
    if (reason !== undefined) return { kind: "ignored", reason };
    return event.seq > last + 1 ? { kind: "applied", gapFrom: last + 1 } : { kind: "applied" };
  })();
}

/** Write one event's effect; returns why it was ignored, or undefined. */
function project(db: Db, runId: string, e: RunEvent): string | undefined {
  const s = db.sqlite;
  const jobState = (jobId: string) =>
    (stmt(s, "SELECT state FROM jobs WHERE run_id = ? AND job_id = ?").get(runId, jobId) as { state: string } | undefined)?.state;
  switch (e.type) {
    case "pipeline_validated": {
      const known = stmt(s, "SELECT 1 FROM run_pipelines WHERE run_id = ?").get(runId);
      if (known !== undefined) return "pipeline_validated reported twice";
      const started = stmt(s, "SELECT 1 FROM jobs WHERE run_id = ? LIMIT 1").get(runId);
      if (started !== undefined) return "pipeline_validated came after jobs had started";
      const graph = stmt(
        s,
        "INSERT INTO pipeline_jobs (run_id, job_id, position, inputs_json, allow_failure, timeout_ms) VALUES (?, ?, ?, ?, ?, ?)",
      );
      // Every declared job is pending until it starts or is skipped; the run's end skips what never started.
      const pending = stmt(s, "INSERT INTO jobs (run_id, job_id, state) VALUES (?, ?, 'pending')");
      stmt(s, "INSERT INTO run_pipelines (run_id, validated_at_ms, job_count) VALUES (?, ?, ?)").run(runId, e.at_ms, e.jobs.length);
      e.jobs.forEach((job, i) => {
        graph.run(runId, job.job_id, i + 1, JSON.stringify(job.inputs), job.allow_failure ? 1 : 0, job.timeout_ms ?? null);
        pending.run(runId, job.job_id);
      });
      return undefined;
    }
    case "job_started": {
      const state = jobState(e.job_id);
      if (state === undefined) {
        stmt(s, "INSERT INTO jobs (run_id, job_id, state, started_at_ms) VALUES (?, ?, 'active', ?)").run(runId, e.job_id, e.at_ms);
        return undefined;
      }
      if (state !== "pending") return `job "${e.job_id}" started again (it is ${state})`;
      stmt(s, "UPDATE jobs SET state = 'active', started_at_ms = ? WHERE run_id = ? AND job_id = ?").run(e.at_ms, runId, e.job_id);
      return undefined;
    }
    case "job_finished": {
      const state = jobState(e.job_id);
      if (state !== "active") return `job "${e.job_id}" finished but it is ${state ?? "not started"}`;
      stmt(
        s,
        `UPDATE jobs SET state = ?, finished_at_ms = MAX(?, started_at_ms), error = ?, timed_out = ?
         WHERE run_id = ? AND job_id = ?`,
      ).run(e.outcome, e.at_ms, e.error ?? null, e.timed_out === true && e.outcome === "failed" ? 1 : 0, runId, e.job_id);
      return undefined;
    }
    case "job_skipped": {
      const state = jobState(e.job_id);
      if (state === undefined) {
        stmt(s, "INSERT INTO jobs (run_id, job_id, state, finished_at_ms, skip_reason) VALUES (?, ?, 'skipped', ?, ?)").run(
          runId,
          e.job_id,
          e.at_ms,
          e.reason,
        );
        return undefined;
      }
      if (state !== "pending") return `job "${e.job_id}" skipped but it is ${state}`;
      stmt(s, "UPDATE jobs SET state = 'skipped', finished_at_ms = ?, skip_reason = ? WHERE run_id = ? AND job_id = ?").run(
        e.at_ms,
        e.reason,
        runId,
        e.job_id,
      );
      return undefined;
    }
    case "sh_started": {
      const state = jobState(e.job_id);
      if (state !== "active") return `sh ${e.n} of job "${e.job_id}" started but the job is ${state ?? "not started"}`;
      const r = stmt(s, "INSERT OR IGNORE INTO sh_events (run_id, job_id, n, cmd, started_at_ms) VALUES (?, ?, ?, ?, ?)")
        .run(runId, e.job_id, e.n, e.cmd, e.at_ms);
      return r.changes === 0 ? `sh ${e.n} of job "${e.job_id}" started twice` : undefined;
    }
    case "sh_finished": {
      const r = stmt(
          s,
          `UPDATE sh_events SET finished_at_ms = MAX(?, started_at_ms), exit_code = ?, log_cut = ?, log_dropped_bytes = ?
           WHERE run_id = ? AND job_id = ? AND n = ? AND finished_at_ms IS NULL`,
        )
        .run(e.at_ms, e.exit_code, e.log_cut?.cap ?? null, e.log_cut?.dropped_bytes ?? null, runId, e.job_id, e.n);
      return r.changes === 0 ? `sh ${e.n} of job "${e.job_id}" finished but was not running` : undefined;
    }
    case "run_finished": {
      const r = stmt(s, "UPDATE runs SET reported_outcome = ?, error = COALESCE(error, ?) WHERE id = ? AND reported_outcome IS NULL")
        .run(e.outcome, e.error ?? null, runId);
      return r.changes === 0 ? "run_finished reported twice" : undefined;
    }
  }
}
