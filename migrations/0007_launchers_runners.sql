-- 0007: launchers and runners (docs/deploy.md, docs/SCALING.md). Each run
-- records the launcher it was routed to and the runner labels it asks for;
-- a remote run records the runner that claimed it and when. Runners are
-- registered with a token of which only the hash is kept. A run failed as
-- runner-lost is re-queued once, as a new run naming it. Append-only: never edit.

CREATE TABLE runners (
  name                TEXT PRIMARY KEY NOT NULL
                      CHECK (length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^a-z0-9._-]*' AND substr(name, 1, 1) NOT IN ('.', '-')),
  token_hash          TEXT NOT NULL CHECK (length(token_hash) = 64),
  created_at_ms       INTEGER NOT NULL CHECK (created_at_ms >= 0),
  -- How many runs it holds at once (:max-concurrent-runs per runner).
  max_concurrent_runs INTEGER NOT NULL DEFAULT 1 CHECK (max_concurrent_runs >= 1),
  -- What the running agent reported: its labels, its id (new at each start), when it was last heard from.
  labels_json         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(labels_json) AND json_type(labels_json) = 'array'),
  agent_id            TEXT CHECK (agent_id IS NULL OR length(agent_id) BETWEEN 8 AND 64),
  last_seen_at_ms     INTEGER CHECK (last_seen_at_ms IS NULL OR last_seen_at_ms >= 0)
);

ALTER TABLE runs ADD COLUMN launcher TEXT CHECK (launcher IS NULL OR launcher IN ('local', 'bwrap', 'remote'));
ALTER TABLE runs ADD COLUMN runs_on_json TEXT
  CHECK (runs_on_json IS NULL OR (json_valid(runs_on_json) AND json_type(runs_on_json) = 'array'));
-- No foreign key: a removed runner's runs keep its name.
ALTER TABLE runs ADD COLUMN runner TEXT CHECK (runner IS NULL OR launcher = 'remote');
ALTER TABLE runs ADD COLUMN claimed_at_ms INTEGER CHECK (claimed_at_ms IS NULL OR (runner IS NOT NULL AND claimed_at_ms >= queued_at_ms));
ALTER TABLE runs ADD COLUMN requeued_from TEXT REFERENCES runs (id) ON DELETE SET NULL;

CREATE INDEX runs_claimed ON runs (runner, state) WHERE runner IS NOT NULL;
