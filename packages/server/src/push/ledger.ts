// Push ids already handled (the `pushes` table, migrations/0004_faults.sql).
// The hook names each push; a push it sends again (its reply never came, so
// it spooled the event too) gets the reply it got the first time and starts
// no second run. The runs and the id are written in one transaction, so a
// server killed half-way leaves neither and the resent push is queued whole.
import type { Db } from "../db/open.js";
import { stmt } from "../db/statements.js";
import type { PushResult } from "./protocol.js";

export interface PushLedger {
  /** The reply recorded for `pushId`, if it was handled. */
  replyFor(pushId: string): PushResult | undefined;
  /**
   * Run `create` (which writes the runs) and record its result under `pushId`
   * in one transaction. When another handler recorded the id first, its
   * reply is returned and `create` does not run.
   */
  commit(pushId: string, repo: string, create: () => PushResult): { result: PushResult; repeated: boolean };
}

/** The ledger kept in `db`. */
export function pushLedger(db: Db): PushLedger {
  const find = (pushId: string): PushResult | undefined => {
    const row = stmt(db.sqlite, "SELECT reply_json FROM pushes WHERE push_id = ?").get(pushId) as { reply_json: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.reply_json) as PushResult);
  };
  return {
    replyFor: find,
    commit: (pushId, repo, create) =>
      db.sqlite
        .transaction(() => {
          const seen = find(pushId);
          if (seen !== undefined) return { result: seen, repeated: true };
          const result = create();
          stmt(db.sqlite, "INSERT INTO pushes (push_id, repo, received_at_ms, reply_json) VALUES (?, ?, ?, ?)").run(
            pushId,
            repo,
            Date.now(),
            JSON.stringify(result),
          );
          return { result, repeated: false };
        })
        .immediate(),
  };
}
