-- 0013: the job graph a run's pipeline declared (the pipeline_validated
-- event), one row per job in declaration order. A run with no rows here never
-- got a valid pipeline. Written once by runs/apply-event.ts, never updated.
-- Append-only: never edit.

CREATE TABLE pipeline_jobs (
  run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  job_id        TEXT NOT NULL CHECK (length(job_id) > 0 AND instr(job_id, '/') = 0),
  -- 1-based declaration order.
  position      INTEGER NOT NULL CHECK (position >= 1),
  -- JSON array of job ids and the source "quire/push", as declared.
  inputs_json   TEXT NOT NULL CHECK (json_valid(inputs_json) AND json_type(inputs_json) = 'array' AND json_array_length(inputs_json) > 0),
  allow_failure INTEGER NOT NULL CHECK (allow_failure IN (0, 1)),
  timeout_ms    INTEGER CHECK (timeout_ms IS NULL OR timeout_ms > 0),
  PRIMARY KEY (run_id, job_id),
  UNIQUE (run_id, position)
);

CREATE TRIGGER pipeline_jobs_write_once BEFORE UPDATE ON pipeline_jobs
BEGIN
  SELECT RAISE(ABORT, 'pipeline_jobs: the job graph is written once');
END;
