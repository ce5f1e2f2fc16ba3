-- 0001: runs, jobs and sh_events (SPEC §5). Shapes and monotonicity are CHECK
-- constraints; the state machines and write-once stamps are triggers, so the
-- database rejects a bad row even if code has a bug. Append-only: never edit.

CREATE TABLE runs (
  id               TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
  repo             TEXT NOT NULL CHECK (length(repo) > 0),
  ref              TEXT NOT NULL CHECK (ref LIKE 'refs/%'),
  sha              TEXT NOT NULL CHECK (length(sha) IN (40, 64) AND sha NOT GLOB '*[^0-9a-f]*'),
  state            TEXT NOT NULL CHECK (state IN ('pending', 'active', 'complete', 'failed', 'superseded')),
  failure_kind     TEXT CHECK (failure_kind IS NULL OR (length(failure_kind) > 0 AND failure_kind NOT GLOB '*[^a-z0-9-]*')),
  queued_at_ms     INTEGER NOT NULL CHECK (queued_at_ms >= 0),
  started_at_ms    INTEGER,
  finished_at_ms   INTEGER,
  superseded_by    TEXT REFERENCES runs (id) ON DELETE SET NULL,
  -- The executor's pid, which is also its process group id (it is spawned
  -- detached). Set at spawn, cleared once the exit has been observed.
  pid              INTEGER CHECK (pid IS NULL OR pid > 1),
  spawned_at_ms    INTEGER,
  -- sha256 (hex) of the bearer run token (set at spawn); useless once terminal.
  token_hash       TEXT CHECK (token_hash IS NULL OR length(token_hash) = 64),
  push_json        TEXT NOT NULL CHECK (json_valid(push_json)),
  last_event_seq   INTEGER NOT NULL DEFAULT 0 CHECK (last_event_seq >= 0),
  reported_outcome TEXT CHECK (reported_outcome IS NULL OR reported_outcome IN ('success', 'pipeline-failure', 'timed-out')),
  exit_code        INTEGER,
  error            TEXT,

  CHECK (CASE state
    WHEN 'pending'  THEN started_at_ms IS NULL AND finished_at_ms IS NULL
    WHEN 'active'   THEN started_at_ms IS NOT NULL AND finished_at_ms IS NULL
    WHEN 'complete' THEN started_at_ms IS NOT NULL AND finished_at_ms IS NOT NULL
    ELSE finished_at_ms IS NOT NULL
  END),
  CHECK (started_at_ms IS NULL OR started_at_ms >= queued_at_ms),
  CHECK (finished_at_ms IS NULL OR finished_at_ms >= COALESCE(started_at_ms, queued_at_ms)),
  CHECK ((state = 'failed') = (failure_kind IS NOT NULL)),
  CHECK (superseded_by IS NULL OR (state = 'superseded' AND superseded_by <> id)),
  CHECK (spawned_at_ms IS NULL OR spawned_at_ms >= queued_at_ms),
  CHECK (reported_outcome IS NULL OR state <> 'pending')
);

CREATE INDEX runs_queue ON runs (state, queued_at_ms);
CREATE INDEX runs_repo_ref ON runs (repo, ref, state);

-- Run edges (SPEC §5). Nothing leaves a terminal state.
CREATE TRIGGER runs_state_edges BEFORE UPDATE OF state ON runs
WHEN NEW.state IS NOT OLD.state AND NOT (
  (OLD.state = 'pending' AND NEW.state IN ('active', 'superseded', 'failed')) OR
  (OLD.state = 'active' AND NEW.state IN ('complete', 'failed', 'superseded'))
)
BEGIN
  SELECT RAISE(ABORT, 'runs: state change not allowed by the run state machine');
END;

-- Stamps and identity are written at most once.
CREATE TRIGGER runs_write_once BEFORE UPDATE ON runs
WHEN (OLD.started_at_ms IS NOT NULL AND NEW.started_at_ms IS NOT OLD.started_at_ms)
  OR (OLD.finished_at_ms IS NOT NULL AND NEW.finished_at_ms IS NOT OLD.finished_at_ms)
  OR (OLD.failure_kind IS NOT NULL AND NEW.failure_kind IS NOT OLD.failure_kind)
  OR (OLD.superseded_by IS NOT NULL AND NEW.superseded_by IS NOT OLD.superseded_by AND NEW.superseded_by IS NOT NULL)
  OR (OLD.reported_outcome IS NOT NULL AND NEW.reported_outcome IS NOT OLD.reported_outcome)
  OR (OLD.exit_code IS NOT NULL AND NEW.exit_code IS NOT OLD.exit_code)
  OR NEW.queued_at_ms IS NOT OLD.queued_at_ms
  OR NEW.id IS NOT OLD.id OR NEW.repo IS NOT OLD.repo OR NEW.ref IS NOT OLD.ref
  OR NEW.sha IS NOT OLD.sha OR NEW.push_json IS NOT OLD.push_json
  OR NEW.last_event_seq < OLD.last_event_seq
BEGIN
  SELECT RAISE(ABORT, 'runs: stamps, identity and outcome are written at most once');
END;

CREATE TABLE jobs (
  run_id         TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  job_id         TEXT NOT NULL CHECK (length(job_id) > 0 AND instr(job_id, '/') = 0),
  state          TEXT NOT NULL CHECK (state IN ('pending', 'active', 'complete', 'failed', 'skipped', 'aborted')),
  started_at_ms  INTEGER,
  finished_at_ms INTEGER,
  error          TEXT,
  -- 1 when the job failed because it ran past its :timeout.
  timed_out      INTEGER NOT NULL DEFAULT 0 CHECK (timed_out IN (0, 1)),
  skip_reason    TEXT,
  PRIMARY KEY (run_id, job_id),

  CHECK (CASE state
    WHEN 'pending'  THEN started_at_ms IS NULL AND finished_at_ms IS NULL
    WHEN 'active'   THEN started_at_ms IS NOT NULL AND finished_at_ms IS NULL
    WHEN 'complete' THEN started_at_ms IS NOT NULL AND finished_at_ms IS NOT NULL
    WHEN 'skipped'  THEN started_at_ms IS NULL AND finished_at_ms IS NOT NULL
    ELSE finished_at_ms IS NOT NULL
  END),
  CHECK (finished_at_ms IS NULL OR started_at_ms IS NULL OR finished_at_ms >= started_at_ms),
  CHECK (timed_out = 0 OR state = 'failed'),
  CHECK (skip_reason IS NULL OR state = 'skipped')
);

-- Job edges (SPEC §5): pending→{active, skipped, aborted},
-- active→{complete, failed, aborted}; terminal job states are final.
CREATE TRIGGER jobs_state_edges BEFORE UPDATE OF state ON jobs
WHEN NEW.state IS NOT OLD.state AND NOT (
  (OLD.state = 'pending' AND NEW.state IN ('active', 'skipped', 'aborted')) OR
  (OLD.state = 'active' AND NEW.state IN ('complete', 'failed', 'aborted'))
)
BEGIN
  SELECT RAISE(ABORT, 'jobs: state change not allowed by the job state machine');
END;

CREATE TRIGGER jobs_write_once BEFORE UPDATE ON jobs
WHEN (OLD.started_at_ms IS NOT NULL AND NEW.started_at_ms IS NOT OLD.started_at_ms)
  OR (OLD.finished_at_ms IS NOT NULL AND NEW.finished_at_ms IS NOT OLD.finished_at_ms)
  OR NEW.run_id IS NOT OLD.run_id OR NEW.job_id IS NOT OLD.job_id
BEGIN
  SELECT RAISE(ABORT, 'jobs: stamps and identity are written at most once');
END;

-- One row per (sh …) call: n counts a job's sh calls from 1.
CREATE TABLE sh_events (
  run_id         TEXT NOT NULL,
  job_id         TEXT NOT NULL,
  n              INTEGER NOT NULL CHECK (n >= 1),
  cmd            TEXT NOT NULL,
  started_at_ms  INTEGER NOT NULL,
  finished_at_ms INTEGER,
  exit_code      INTEGER,
  PRIMARY KEY (run_id, job_id, n),
  FOREIGN KEY (run_id, job_id) REFERENCES jobs (run_id, job_id) ON DELETE CASCADE,
  CHECK ((finished_at_ms IS NULL) = (exit_code IS NULL)),
  CHECK (finished_at_ms IS NULL OR finished_at_ms >= started_at_ms)
);

CREATE TRIGGER sh_events_write_once BEFORE UPDATE ON sh_events
WHEN (OLD.finished_at_ms IS NOT NULL AND NEW.finished_at_ms IS NOT OLD.finished_at_ms)
  OR (OLD.exit_code IS NOT NULL AND NEW.exit_code IS NOT OLD.exit_code)
  OR NEW.started_at_ms IS NOT OLD.started_at_ms OR NEW.cmd IS NOT OLD.cmd
BEGIN
  SELECT RAISE(ABORT, 'sh_events: stamps are written at most once');
END;
