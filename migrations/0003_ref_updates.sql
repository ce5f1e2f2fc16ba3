-- 0003: every ref update the server learns of from a push (SPEC §9), kept so
-- the web view can say where a ref went when a sha it once held is gone
-- (a rebase or force push). Deletions are kept too (new_sha all zeros).
-- Append-only: never edit.

CREATE TABLE ref_updates (
  id            INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  repo          TEXT NOT NULL CHECK (length(repo) > 0),
  ref           TEXT NOT NULL CHECK (ref LIKE 'refs/%'),
  old_sha       TEXT NOT NULL CHECK (length(old_sha) IN (40, 64) AND old_sha NOT GLOB '*[^0-9a-f]*'),
  new_sha       TEXT NOT NULL CHECK (length(new_sha) IN (40, 64) AND new_sha NOT GLOB '*[^0-9a-f]*'),
  pushed_at_ms  INTEGER NOT NULL CHECK (pushed_at_ms >= 0),
  pusher        TEXT
);

CREATE INDEX ref_updates_old_sha ON ref_updates (repo, old_sha);
CREATE INDEX ref_updates_new_sha ON ref_updates (repo, new_sha);
CREATE INDEX ref_updates_ref ON ref_updates (repo, ref, id);
