-- 0014: one row per run whose pipeline validated (the pipeline_validated
-- event), with how many jobs it declared: a pipeline may declare none, so
-- pipeline_jobs alone cannot tell "validated, no jobs" from "never
-- validated". Written once by runs/apply-event.ts. Append-only: never edit.

CREATE TABLE run_pipelines (
  run_id          TEXT PRIMARY KEY NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  validated_at_ms INTEGER NOT NULL CHECK (validated_at_ms >= 0),
  job_count       INTEGER NOT NULL CHECK (job_count >= 0)
);

CREATE TRIGGER run_pipelines_write_once BEFORE UPDATE ON run_pipelines
BEGIN
  SELECT RAISE(ABORT, 'run_pipelines: written once');
END;

-- Runs recorded before this table: their job graph says they validated.
INSERT INTO run_pipelines (run_id, validated_at_ms, job_count)
  SELECT p.run_id, COALESCE(r.started_at_ms, r.queued_at_ms), count(*)
  FROM pipeline_jobs p JOIN runs r ON r.id = p.run_id
  GROUP BY p.run_id;
