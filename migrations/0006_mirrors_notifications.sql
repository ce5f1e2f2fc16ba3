-- 0006: mirror status (SPEC §10) and the notification outbox. One row per
-- (repo, mirror URL) holds the last attempt and any retry waiting; one row per
-- (run, event, channel, target) holds a notification until it is sent or
-- given up. Append-only: never edit.

CREATE TABLE mirror_status (
  repo               TEXT NOT NULL CHECK (length(repo) > 0),
  -- The target as pushed to ({repo} filled in); never carries a credential.
  url                TEXT NOT NULL CHECK (length(url) > 0),
  -- The last attempt: when it started and ended, how it went, per-ref results.
  attempted_at_ms    INTEGER,
  finished_at_ms     INTEGER,
  outcome            TEXT CHECK (outcome IS NULL OR outcome IN ('ok', 'error', 'needs-human')),
  refs_json          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(refs_json)),
  -- One line on what went wrong, and git's stderr with every secret redacted.
  error              TEXT,
  stderr             TEXT,
  -- Failed attempts in a row (0 after a success).
  failures           INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  last_ok_at_ms      INTEGER,
  -- The target as last declared (secret name, ref filter, deletions), for retries.
  target_json        TEXT NOT NULL CHECK (json_valid(target_json)),
  -- Refs waiting for the next attempt ([{ref, at_ms}]), and when it is due.
  pending_refs_json  TEXT CHECK (pending_refs_json IS NULL OR json_valid(pending_refs_json)),
  next_attempt_at_ms INTEGER,
  PRIMARY KEY (repo, url),
  CHECK ((outcome IS NULL) = (finished_at_ms IS NULL)),
  CHECK (finished_at_ms IS NULL OR (attempted_at_ms IS NOT NULL AND finished_at_ms >= attempted_at_ms)),
  CHECK (outcome IS NULL OR (outcome = 'ok') = (error IS NULL)),
  CHECK ((pending_refs_json IS NULL) = (next_attempt_at_ms IS NULL))
);

CREATE TABLE notifications (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  run_id             TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  event              TEXT NOT NULL CHECK (event IN ('ci-failed', 'ci-fixed')),
  channel            TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  -- Mail: the recipients, comma-separated. Webhook: the URL.
  target             TEXT NOT NULL CHECK (length(target) > 0),
  subject            TEXT NOT NULL,
  -- Mail: the plain-text body. Webhook: the JSON body, exactly as signed and sent.
  body               TEXT NOT NULL,
  -- Webhook: the NAME of the secret that signs the body (never its value).
  secret_name        TEXT,
  state              TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at_ms      INTEGER NOT NULL,
  next_attempt_at_ms INTEGER,
  sent_at_ms         INTEGER,
  last_error         TEXT,
  CHECK ((state = 'pending') = (next_attempt_at_ms IS NOT NULL)),
  CHECK ((state = 'sent') = (sent_at_ms IS NOT NULL)),
  CHECK (secret_name IS NULL OR channel = 'webhook')
);

-- A run is announced once per channel and target, however often it is looked at.
CREATE UNIQUE INDEX notifications_once ON notifications (run_id, event, channel, target);
CREATE INDEX notifications_due ON notifications (state, next_attempt_at_ms);
