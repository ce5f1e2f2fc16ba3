-- 0004: what fault handling records. Where an sh's log was cut at a cap; the
-- secrets each run was given (each name at most once); the push ids already
-- handled, so a push resent after an unconfirmed answer starts no second
-- run; and each `quire serve` start, written before it listens so a database
-- it cannot write stops it at once. Append-only: never edit.

-- Set from sh_finished.log_cut: which cap cut the log ('sh' or 'run') and how much output was not kept.
ALTER TABLE sh_events ADD COLUMN log_cut TEXT CHECK (log_cut IS NULL OR log_cut IN ('sh', 'run'));
ALTER TABLE sh_events ADD COLUMN log_dropped_bytes INTEGER
  CHECK (log_dropped_bytes IS NULL OR (log_dropped_bytes >= 0 AND log_cut IS NOT NULL));

CREATE TABLE run_secrets (
  run_id         TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name           TEXT NOT NULL CHECK (length(name) > 0),
  revealed_at_ms INTEGER NOT NULL CHECK (revealed_at_ms >= 0),
  -- The job whose (secret …) call asked, as quire-ci named it.
  job_id         TEXT,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE pushes (
  push_id        TEXT PRIMARY KEY NOT NULL CHECK (length(push_id) BETWEEN 16 AND 64 AND push_id NOT GLOB '*[^0-9a-z-]*'),
  repo           TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL CHECK (received_at_ms >= 0),
  -- What the server answered: the runs it queued and the refs it skipped.
  reply_json     TEXT NOT NULL CHECK (json_valid(reply_json))
);

CREATE TABLE serve_starts (
  started_at_ms INTEGER NOT NULL CHECK (started_at_ms >= 0),
  pid           INTEGER NOT NULL
);
