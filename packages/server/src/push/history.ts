// The push history: every ref update a push event carried, recorded in the
// transaction that creates the push's runs (push/trigger.ts), so a sha that a rebase or force push
// left behind can be traced to the ref that moved away from it (SPEC §9).
import type { PushEvent } from "@quire/shared";
import type { Db } from "../db/open.js";
import { stmt } from "../db/statements.js";
import type { RefUpdateRow } from "../db/schema.js";

/** Record each ref update of `event` under the canonical repo name. */
export function recordPush(db: Db, repo: string, event: PushEvent): void {
  const insert = stmt(
    db.sqlite,
    "INSERT INTO ref_updates (repo, ref, old_sha, new_sha, pushed_at_ms, pusher) VALUES (?, ?, ?, ?, ?, ?)",
  );
  db.sqlite.transaction(() => {
    for (const r of event.refs) insert.run(repo, r.ref, r.old_sha, r.new_sha, event.pushed_at_ms, event.pusher ?? null);
  })();
}

const COLUMNS = `id, repo, ref, old_sha AS oldSha, new_sha AS newSha, pushed_at_ms AS pushedAtMs, pusher`;

/** What the push history knows of `sha` in `repo`: the updates that set a ref to it and that moved a ref away from it, oldest first. */
export function historyOfSha(db: Db, repo: string, sha: string): { arrived: RefUpdateRow[]; left: RefUpdateRow[] } {
  return {
    arrived: stmt(db.sqlite, `SELECT ${COLUMNS} FROM ref_updates WHERE repo = ? AND new_sha = ? ORDER BY id`).all(repo, sha) as RefUpdateRow[],
    left: stmt(db.sqlite, `SELECT ${COLUMNS} FROM ref_updates WHERE repo = ? AND old_sha = ? ORDER BY id`).all(repo, sha) as RefUpdateRow[],
  };
}

/** The newest recorded update of `ref` in `repo`. */
export function lastUpdateOf(db: Db, repo: string, ref: string): RefUpdateRow | undefined {
  return stmt(db.sqlite, `SELECT ${COLUMNS} FROM ref_updates WHERE repo = ? AND ref = ? ORDER BY id DESC LIMIT 1`).get(repo, ref) as
    | RefUpdateRow
    | undefined;
}

/** The newest update of each repo, for "last push" times: repo → ms. */
export function lastPushTimes(db: Db): Map<string, number> {
  const rows = stmt(db.sqlite, "SELECT repo, max(pushed_at_ms) AS at FROM ref_updates GROUP BY repo").all() as { repo: string; at: number }[];
  return new Map(rows.map((r) => [r.repo, r.at]));
}
