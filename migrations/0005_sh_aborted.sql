-- 0005: an sh row whose job was aborted (the run was superseded, cancelled,
-- timed out, orphaned or its executor crashed) is closed when the run ends,
-- in the same transaction: aborted_at_ms is when. Its exit code stays
-- unknown (NULL) unless the executor's own record reports one later.
-- Append-only: never edit.
ALTER TABLE sh_events ADD COLUMN aborted_at_ms INTEGER CHECK (aborted_at_ms IS NULL OR aborted_at_ms >= started_at_ms);
