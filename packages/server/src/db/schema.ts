// Drizzle schema of the tables created by migrations/*.sql. The SQL files are
// the source of truth (CHECKs and triggers live there); this mirrors their
// columns so queries are typed. db/schema.test.ts checks the two agree.
import { sqliteTable, text, integer, primaryKey, foreignKey, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { JobState, RunState } from "@quire/shared";

export const runs = sqliteTable("runs", {
  id: text("id").primaryKey().notNull(),
  repo: text("repo").notNull(),
  ref: text("ref").notNull(),
  sha: text("sha").notNull(),
  state: text("state").$type<RunState>().notNull(),
  failureKind: text("failure_kind"),
  queuedAtMs: integer("queued_at_ms").notNull(),
  startedAtMs: integer("started_at_ms"),
  finishedAtMs: integer("finished_at_ms"),
  supersededBy: text("superseded_by").references((): AnySQLiteColumn => runs.id, { onDelete: "set null" }),
  pid: integer("pid"),
  pidIdentity: text("pid_identity"),
  spawnedAtMs: integer("spawned_at_ms"),
  tokenHash: text("token_hash"),
  pushJson: text("push_json").notNull(),
  lastEventSeq: integer("last_event_seq").notNull().default(0),
  reportedOutcome: text("reported_outcome"),
  exitCode: integer("exit_code"),
  error: text("error"),
  launcher: text("launcher").$type<"local" | "bwrap" | "remote">(),
  runsOnJson: text("runs_on_json"),
  runner: text("runner"),
  claimedAtMs: integer("claimed_at_ms"),
  requeuedFrom: text("requeued_from"),
});

/** Runners on other hosts (migrations/0007_launchers_runners.sql). */
export const runners = sqliteTable("runners", {
  name: text("name").primaryKey().notNull(),
  tokenHash: text("token_hash").notNull(),
  createdAtMs: integer("created_at_ms").notNull(),
  maxConcurrentRuns: integer("max_concurrent_runs").notNull().default(1),
  labelsJson: text("labels_json").notNull().default("[]"),
  agentId: text("agent_id"),
  lastSeenAtMs: integer("last_seen_at_ms"),
});
export type RunnerRow = typeof runners.$inferSelect;

export const jobs = sqliteTable(
  "jobs",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    jobId: text("job_id").notNull(),
    state: text("state").$type<JobState>().notNull(),
    startedAtMs: integer("started_at_ms"),
    finishedAtMs: integer("finished_at_ms"),
    error: text("error"),
    timedOut: integer("timed_out", { mode: "boolean" }).notNull().default(false),
    skipReason: text("skip_reason"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.jobId] })],
);

export const shEvents = sqliteTable(
  "sh_events",
  {
    runId: text("run_id").notNull(),
    jobId: text("job_id").notNull(),
    n: integer("n").notNull(),
    cmd: text("cmd").notNull(),
    startedAtMs: integer("started_at_ms").notNull(),
    finishedAtMs: integer("finished_at_ms"),
    exitCode: integer("exit_code"),
    logCut: text("log_cut").$type<"sh" | "run" | "disk">(),
    logDroppedBytes: integer("log_dropped_bytes"),
    /** When the run ended under this still-open sh (migrations/0005_sh_aborted.sql). */
    abortedAtMs: integer("aborted_at_ms"),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.jobId, t.n] }),
    foreignKey({ columns: [t.runId, t.jobId], foreignColumns: [jobs.runId, jobs.jobId] }).onDelete("cascade"),
  ],
);

export const runSecrets = sqliteTable(
  "run_secrets",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    revealedAtMs: integer("revealed_at_ms").notNull(),
    jobId: text("job_id"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.name] })],
);

export const pushes = sqliteTable("pushes", {
  pushId: text("push_id").primaryKey().notNull(),
  repo: text("repo").notNull(),
  receivedAtMs: integer("received_at_ms").notNull(),
  replyJson: text("reply_json").notNull(),
});

export const serveStarts = sqliteTable("serve_starts", {
  startedAtMs: integer("started_at_ms").notNull(),
  pid: integer("pid").notNull(),
});

/** The job graph of a run's pipeline (migrations/0013_pipeline_jobs.sql), from the pipeline_validated event. */
export const pipelineJobs = sqliteTable(
  "pipeline_jobs",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    jobId: text("job_id").notNull(),
    position: integer("position").notNull(),
    inputsJson: text("inputs_json").notNull(),
    allowFailure: integer("allow_failure", { mode: "boolean" }).notNull(),
    timeoutMs: integer("timeout_ms"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.jobId] })],
);

/** Runs whose pipeline validated (migrations/0014_run_pipelines.sql), with how many jobs it declared. */
export const runPipelines = sqliteTable("run_pipelines", {
  runId: text("run_id")
    .primaryKey()
    .notNull()
    .references(() => runs.id, { onDelete: "cascade" }),
  validatedAtMs: integer("validated_at_ms").notNull(),
  jobCount: integer("job_count").notNull(),
});

export type RunRow = typeof runs.$inferSelect;
export type PipelineJobRow = typeof pipelineJobs.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
export type ShEventRow = typeof shEvents.$inferSelect;

export const refUpdates = sqliteTable("ref_updates", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  repo: text("repo").notNull(),
  ref: text("ref").notNull(),
  oldSha: text("old_sha").notNull(),
  newSha: text("new_sha").notNull(),
  pushedAtMs: integer("pushed_at_ms").notNull(),
  pusher: text("pusher"),
});
export type RefUpdateRow = typeof refUpdates.$inferSelect;
/** Last mirror push attempt per (repo, target URL), and any retry waiting (migration 0006). */
export const mirrorStatus = sqliteTable(
  "mirror_status",
  {
    repo: text("repo").notNull(),
    url: text("url").notNull(),
    attemptedAtMs: integer("attempted_at_ms"),
    finishedAtMs: integer("finished_at_ms"),
    outcome: text("outcome").$type<"ok" | "error" | "needs-human">(),
    refsJson: text("refs_json").notNull().default("[]"),
    error: text("error"),
    stderr: text("stderr"),
    failures: integer("failures").notNull().default(0),
    lastOkAtMs: integer("last_ok_at_ms"),
    targetJson: text("target_json").notNull(),
    pendingRefsJson: text("pending_refs_json"),
    nextAttemptAtMs: integer("next_attempt_at_ms"),
  },
  (t) => [primaryKey({ columns: [t.repo, t.url] })],
);

/** The notification outbox (migration 0006). */
export const notifications = sqliteTable("notifications", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  runId: text("run_id")
    .notNull()
    .references(() => runs.id, { onDelete: "cascade" }),
  event: text("event").$type<"ci-failed" | "ci-fixed">().notNull(),
  channel: text("channel").$type<"email" | "webhook">().notNull(),
  target: text("target").notNull(),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  secretName: text("secret_name"),
  state: text("state").$type<"pending" | "sent" | "failed">().notNull(),
  attempts: integer("attempts").notNull().default(0),
  createdAtMs: integer("created_at_ms").notNull(),
  nextAttemptAtMs: integer("next_attempt_at_ms"),
  sentAtMs: integer("sent_at_ms"),
  lastError: text("last_error"),
});

export type MirrorStatusRow = typeof mirrorStatus.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
