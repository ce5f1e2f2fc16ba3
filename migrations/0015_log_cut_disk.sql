-- 0015: an sh's log may also be cut for want of free space (sh_finished
-- log_cut.cap 'disk', :log-free-space). SQLite cannot change a CHECK, so
-- log_cut and log_dropped_bytes are made again with the wider one and their
-- values copied over. Append-only: never edit.
ALTER TABLE sh_events ADD COLUMN log_cut_new TEXT CHECK (log_cut_new IS NULL OR log_cut_new IN ('sh', 'run', 'disk'));
ALTER TABLE sh_events ADD COLUMN log_dropped_bytes_new INTEGER
  CHECK (log_dropped_bytes_new IS NULL OR (log_dropped_bytes_new >= 0 AND log_cut_new IS NOT NULL));
UPDATE sh_events SET log_cut_new = log_cut, log_dropped_bytes_new = log_dropped_bytes WHERE log_cut IS NOT NULL;
ALTER TABLE sh_events DROP COLUMN log_dropped_bytes;
ALTER TABLE sh_events DROP COLUMN log_cut;
ALTER TABLE sh_events RENAME COLUMN log_cut_new TO log_cut;
ALTER TABLE sh_events RENAME COLUMN log_dropped_bytes_new TO log_dropped_bytes;
