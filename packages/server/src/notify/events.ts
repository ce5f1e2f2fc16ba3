// Which notification a terminal run raises (SPEC §10): `ci-failed` for a
// failed run, `ci-fixed` for a complete run whose previous finished run of
// the same (repo, ref) failed. Superseded runs count for neither.
import type { NotifyEvent } from "../config/notifications.js";
import { stmt } from "../db/statements.js";
import type { Db } from "../db/open.js";
import type { RunRow } from "../db/schema.js";

export interface Notice {
  event: NotifyEvent;
  /** For ci-fixed: the failed run this one follows. */
  previousRunId: string | null;
}

/** The run of (repo, ref) that finished before `run` (complete or failed), if any. */
export function previousFinishedRun(db: Db, run: RunRow): { id: string; state: string } | undefined {
  return stmt(
    db.sqlite,
    `SELECT id, state FROM runs
     WHERE repo = ? AND ref = ? AND id <> ? AND state IN ('complete', 'failed')
       AND (queued_at_ms < ? OR (queued_at_ms = ? AND rowid < (SELECT rowid FROM runs WHERE id = ?)))
     ORDER BY queued_at_ms DESC, rowid DESC LIMIT 1`,
  ).get(run.repo, run.ref, run.id, run.queuedAtMs, run.queuedAtMs, run.id) as { id: string; state: string } | undefined;
}

/** The notice `run` raises now that it is terminal, or null. */
export function noticeFor(db: Db, run: RunRow): Notice | null {
  if (run.state === "failed") return { event: "ci-failed", previousRunId: null };
  if (run.state !== "complete") return null;
  const previous = previousFinishedRun(db, run);
  return previous?.state === "failed" ? { event: "ci-fixed", previousRunId: previous.id } : null;
}
