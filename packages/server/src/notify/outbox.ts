// The notification outbox (migration 0006): a row per (run, event, channel,
// target), written when the run ends and updated by each delivery attempt.
// A row is inserted once however often its run is looked at.
import { stmt } from "../db/statements.js";
import type { Db } from "../db/open.js";
import type { NotificationRow } from "../db/schema.js";
import { notifications } from "../db/schema.js";
import { asc, eq } from "drizzle-orm";

export interface NewNotification {
  runId: string;
  event: NotificationRow["event"];
  channel: NotificationRow["channel"];
  target: string;
  subject: string;
  body: string;
  secretName: string | null;
}

/** Queue a notification, due now; false when the same one is already there. */
export function queueNotification(db: Db, n: NewNotification, nowMs: number = Date.now()): boolean {
  return (
    stmt(
      db.sqlite,
      `INSERT OR IGNORE INTO notifications (run_id, event, channel, target, subject, body, secret_name, state, created_at_ms, next_attempt_at_ms)
       VALUES (@runId, @event, @channel, @target, @subject, @body, @secretName, 'pending', @now, @now)`,
    ).run({ ...n, now: nowMs }).changes === 1
  );
}

/** Pending notifications due by `nowMs`, oldest first. */
export function dueNotifications(db: Db, nowMs: number): NotificationRow[] {
  const ids = stmt(db.sqlite, "SELECT id FROM notifications WHERE state = 'pending' AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms, id").all(nowMs) as { id: number }[];
  return ids.map((r) => db.orm.select().from(notifications).where(eq(notifications.id, r.id)).get()!).filter((r) => r !== undefined);
}

/** When the next pending notification is due, or null. */
export function nextNotificationDue(db: Db): number | null {
  const row = stmt(db.sqlite, "SELECT MIN(next_attempt_at_ms) AS due FROM notifications WHERE state = 'pending'").get() as { due: number | null };
  return row.due;
}

/** Record a delivery attempt: sent, or failed with a retry at `retryAtMs` (null: given up). */
export function recordDelivery(db: Db, id: number, result: { ok: true; nowMs: number } | { ok: false; nowMs: number; error: string; retryAtMs: number | null }): void {
  if (result.ok) {
    stmt(db.sqlite, "UPDATE notifications SET state = 'sent', sent_at_ms = ?, next_attempt_at_ms = NULL, attempts = attempts + 1, last_error = NULL WHERE id = ? AND state = 'pending'").run(result.nowMs, id);
    return;
  }
  stmt(
    db.sqlite,
    `UPDATE notifications SET attempts = attempts + 1, last_error = @error,
       state = CASE WHEN @retry IS NULL THEN 'failed' ELSE 'pending' END, next_attempt_at_ms = @retry
     WHERE id = @id AND state = 'pending'`,
  ).run({ id, error: result.error, retry: result.retryAtMs });
}

/** The notifications of one run, oldest first. */
export function runNotifications(db: Db, runId: string): NotificationRow[] {
  return db.orm.select().from(notifications).where(eq(notifications.runId, runId)).orderBy(asc(notifications.id)).all();
}
