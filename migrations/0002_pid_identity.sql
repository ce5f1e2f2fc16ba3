-- 0002: who the recorded pid was. `pid_identity` is "<boot id>:<start time>"
-- of the executor when it was spawned, so orphan reconciliation never kills
-- a process group that merely reuses the number (after a reboot, say).
-- Set and cleared together with pid. Append-only: never edit.

ALTER TABLE runs ADD COLUMN pid_identity TEXT CHECK (pid_identity IS NULL OR pid IS NOT NULL);
