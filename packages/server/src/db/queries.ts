// Read queries over runs, jobs and sh_events, for the queue, the HTTP API and
// the `quire ci` commands. Writes of run state live in runs/transition.ts.
import { stmt } from "./statements.js";
import { and, asc, desc, eq, getTableColumns, inArray, isNull, type SQL } from "drizzle-orm";
import type { RunState } from "@quire/shared";
import type { Db } from "./open.js";
import { jobs, pipelineJobs, runs, shEvents, type JobRow, type PipelineJobRow, type RunRow, type ShEventRow } from "./schema.js";

// getRun is on every API request and transition: a cached statement whose
// column list comes from the Drizzle schema, so rows have the same shape.
export const RUN_COLUMNS = Object.entries(getTableColumns(runs))
  .map(([key, col]) => `"${col.name}" AS "${key}"`)
  .join(", ");

/** One run by id, or undefined. */
export function getRun(db: Db, id: string): RunRow | undefined {
  return stmt(db.sqlite, `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id) as RunRow | undefined;
}

export interface ListRunsOptions {
  repo?: string;
  ref?: string;
  states?: RunState[];
  /** Newest first (default) or oldest first. */
  order?: "newest" | "oldest";
  limit?: number;
}

/** Runs filtered by repo, ref and state; newest first unless asked otherwise. */
export function listRuns(db: Db, options: ListRunsOptions = {}): RunRow[] {
  const where: SQL[] = [];
  if (options.repo !== undefined) where.push(eq(runs.repo, options.repo));
  if (options.ref !== undefined) where.push(eq(runs.ref, options.ref));
  if (options.states !== undefined) where.push(inArray(runs.state, options.states));
  const order = options.order === "oldest" ? [asc(runs.queuedAtMs), asc(runs.id)] : [desc(runs.queuedAtMs), desc(runs.id)];
  const q = db.orm
    .select()
    .from(runs)
    .where(where.length === 0 ? undefined : and(...where))
    .orderBy(...order);
  return options.limit === undefined ? q.all() : q.limit(options.limit).all();
}

/**
 * The oldest pending runs of a host launcher with no executor yet: what the
 * queue takes next (insertion order breaks ties). Remote runs are the runners'.
 */
export function nextPendingRuns(db: Db, limit: number): RunRow[] {
  const rows = stmt(
    db.sqlite,
    "SELECT id FROM runs WHERE state = 'pending' AND pid IS NULL AND launcher IN ('local', 'bwrap') ORDER BY queued_at_ms, rowid LIMIT ?",
  ).all(limit) as { id: string }[];
  return rows.map((r) => getRun(db, r.id)).filter((r): r is RunRow => r !== undefined);
}

/** The oldest pending run not yet routed to a launcher. */
export function nextUnroutedRun(db: Db): RunRow | undefined {
  const row = stmt(db.sqlite, "SELECT id FROM runs WHERE state = 'pending' AND launcher IS NULL ORDER BY queued_at_ms, rowid LIMIT 1").get() as
    | { id: string }
    | undefined;
  return row === undefined ? undefined : getRun(db, row.id);
}

/** Runs with a recorded executor process (pid set), whatever their state. */
export function runsWithProcess(db: Db): RunRow[] {
  return stmt(db.sqlite, "SELECT id FROM runs WHERE pid IS NOT NULL ORDER BY queued_at_ms, rowid")
    .all()
    .map((r) => getRun(db, (r as { id: string }).id))
    .filter((r): r is RunRow => r !== undefined);
}

/** The jobs of a run, in the order they started (never-started jobs last). */
export function listJobs(db: Db, runId: string): JobRow[] {
  return db.orm
    .select()
    .from(jobs)
    .where(eq(jobs.runId, runId))
    .orderBy(asc(isNull(jobs.startedAtMs)), asc(jobs.startedAtMs), asc(jobs.finishedAtMs), asc(jobs.jobId))
    .all();
}

/** The sh rows of a run (or of one job), by job then n. */
export function listShEvents(db: Db, runId: string, jobId?: string): ShEventRow[] {
  const where = jobId === undefined ? eq(shEvents.runId, runId) : and(eq(shEvents.runId, runId), eq(shEvents.jobId, jobId));
  return db.orm.select().from(shEvents).where(where).orderBy(asc(shEvents.jobId), asc(shEvents.n)).all();
}

/** When a run's pipeline validated and how many jobs it declared; undefined when it never did. */
export function getRunPipeline(db: Db, runId: string): { validatedAtMs: number; jobCount: number } | undefined {
  return stmt(db.sqlite, "SELECT validated_at_ms AS validatedAtMs, job_count AS jobCount FROM run_pipelines WHERE run_id = ?").get(runId) as
    | { validatedAtMs: number; jobCount: number }
    | undefined;
}

/** The job graph of a run in declaration order; empty when its pipeline never validated (or declared no jobs). */
export function listPipelineJobs(db: Db, runId: string): PipelineJobRow[] {
  return db.orm.select().from(pipelineJobs).where(eq(pipelineJobs.runId, runId)).orderBy(asc(pipelineJobs.position)).all();
}
