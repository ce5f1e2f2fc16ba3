// mirror_status rows (migration 0006): the last attempt of each (repo,
// target), the refs waiting for the next one, and the query that the CLI and
// the web view show. Attempts themselves are push.ts; scheduling is scheduler.ts.
import { stmt } from "../db/statements.js";
import type { Db } from "../db/open.js";
import type { MirrorTarget } from "../config/mirrors.js";
import type { MirrorOutcome, MirrorPushResult } from "./push.js";
import type { RefPushResult } from "./porcelain.js";

/** A ref waiting to be mirrored, and when it was queued (a newer push of it queues it again). */
export interface PendingRef {
  ref: string;
  at_ms: number;
}

/** What `quire mirror status` and the repo home show for one target. */
export interface MirrorTargetStatus {
  repo: string;
  url: string;
  target: Omit<MirrorTarget, "url">;
  /** The last finished attempt, or null when none has finished yet. */
  last: {
    startedAtMs: number;
    finishedAtMs: number;
    outcome: MirrorOutcome;
    refs: RefPushResult[];
    error: string | null;
    stderr: string | null;
  } | null;
  /** Failed attempts in a row (0 after a success). */
  failures: number;
  lastOkAtMs: number | null;
  /** Refs queued for the next attempt, and when it is due (null: nothing waiting). */
  pendingRefs: string[];
  nextAttemptAtMs: number | null;
}

interface Row {
  repo: string;
  url: string;
  attempted_at_ms: number | null;
  finished_at_ms: number | null;
  outcome: MirrorOutcome | null;
  refs_json: string;
  error: string | null;
  stderr: string | null;
  failures: number;
  last_ok_at_ms: number | null;
  target_json: string;
  pending_refs_json: string | null;
  next_attempt_at_ms: number | null;
}

function toStatus(r: Row): MirrorTargetStatus {
  return {
    repo: r.repo,
    url: r.url,
    target: JSON.parse(r.target_json) as Omit<MirrorTarget, "url">,
    last:
      r.outcome === null || r.attempted_at_ms === null || r.finished_at_ms === null
        ? null
        : {
            startedAtMs: r.attempted_at_ms,
            finishedAtMs: r.finished_at_ms,
            outcome: r.outcome,
            refs: JSON.parse(r.refs_json) as RefPushResult[],
            error: r.error,
            stderr: r.stderr,
          },
    failures: r.failures,
    lastOkAtMs: r.last_ok_at_ms,
    pendingRefs: pending(r).map((p) => p.ref),
    nextAttemptAtMs: r.next_attempt_at_ms,
  };
}

function pending(r: Pick<Row, "pending_refs_json">): PendingRef[] {
  return r.pending_refs_json === null ? [] : (JSON.parse(r.pending_refs_json) as PendingRef[]);
}

/**
 * Every mirror target's status, of one repository or of all, by repo then
 * URL. This is the one query the CLI and the web view read.
 */
export function mirrorStatus(db: Db, repo?: string): MirrorTargetStatus[] {
  const rows = (
    repo === undefined
      ? stmt(db.sqlite, "SELECT * FROM mirror_status ORDER BY repo, url").all()
      : stmt(db.sqlite, "SELECT * FROM mirror_status WHERE repo = ? ORDER BY url").all(repo)
  ) as Row[];
  return rows.map(toStatus);
}

/** One target's status, or undefined. */
export function getMirrorStatus(db: Db, repo: string, url: string): MirrorTargetStatus | undefined {
  const row = stmt(db.sqlite, "SELECT * FROM mirror_status WHERE repo = ? AND url = ?").get(repo, url) as Row | undefined;
  return row === undefined ? undefined : toStatus(row);
}

function targetJson(target: Omit<MirrorTarget, "url">): string {
  return JSON.stringify({ secret: target.secret, refs: target.refs, deletions: target.deletions });
}

/** Queue `refs` for the target, due at `dueAtMs` (a waiting retry becomes due then too). */
export function queueMirrorRefs(db: Db, repo: string, target: MirrorTarget & { url: string }, refs: string[], nowMs: number, dueAtMs: number = nowMs): void {
  db.sqlite
    .transaction(() => {
      const row = stmt(db.sqlite, "SELECT pending_refs_json FROM mirror_status WHERE repo = ? AND url = ?").get(repo, target.url) as Row | undefined;
      const list = row === undefined ? [] : pending(row).filter((p) => !refs.includes(p.ref));
      for (const ref of refs) list.push({ ref, at_ms: nowMs });
      stmt(
        db.sqlite,
        `INSERT INTO mirror_status (repo, url, target_json, pending_refs_json, next_attempt_at_ms) VALUES (@repo, @url, @target, @pending, @due)
         ON CONFLICT (repo, url) DO UPDATE SET target_json = @target, pending_refs_json = @pending,
           next_attempt_at_ms = MIN(COALESCE(next_attempt_at_ms, @due), @due)`,
      ).run({ repo, url: target.url, target: targetJson(target), pending: JSON.stringify(list), due: dueAtMs });
    })
    .immediate();
}

/** Refs waiting for `repo` → `url`, and when they are due. */
export function pendingMirrorRefs(db: Db, repo: string, url: string): { refs: PendingRef[]; dueAtMs: number | null; target: Omit<MirrorTarget, "url"> } | undefined {
  const row = stmt(db.sqlite, "SELECT * FROM mirror_status WHERE repo = ? AND url = ?").get(repo, url) as Row | undefined;
  if (row === undefined) return undefined;
  return { refs: pending(row), dueAtMs: row.next_attempt_at_ms, target: JSON.parse(row.target_json) as Omit<MirrorTarget, "url"> };
}

/** Targets with refs waiting, whatever their due time (what a starting server picks up). */
export function targetsWithPendingRefs(db: Db): { repo: string; url: string; dueAtMs: number }[] {
  return (stmt(db.sqlite, "SELECT repo, url, next_attempt_at_ms AS dueAtMs FROM mirror_status WHERE next_attempt_at_ms IS NOT NULL ORDER BY next_attempt_at_ms").all() as {
    repo: string;
    url: string;
    dueAtMs: number;
  }[]);
}

export interface RecordAttemptOptions {
  /** The refs this attempt was for, as they were queued; entries queued later stay queued. */
  attempted: PendingRef[];
  /** When the failed refs should be tried again; null: give up on them. */
  retryAtMs: number | null;
}

/**
 * Store a finished attempt. Pending entries it handled are dropped, unless
 * it failed and a retry is due (then they wait for `retryAtMs`); entries
 * queued while it ran stay queued and due at once.
 */
export function recordMirrorAttempt(db: Db, repo: string, target: MirrorTarget & { url: string }, result: MirrorPushResult, options: RecordAttemptOptions): void {
  db.sqlite
    .transaction(() => {
      const row = stmt(db.sqlite, "SELECT * FROM mirror_status WHERE repo = ? AND url = ?").get(repo, target.url) as Row | undefined;
      const handled = new Set(options.attempted.map((p) => `${p.ref}\0${p.at_ms}`));
      const newer = row === undefined ? [] : pending(row).filter((p) => !handled.has(`${p.ref}\0${p.at_ms}`));
      const retry = result.outcome === "error" && options.retryAtMs !== null ? options.attempted.filter((a) => !newer.some((n) => n.ref === a.ref)) : [];
      const list = [...retry, ...newer];
      // Refs queued meanwhile keep the due time they were queued with; a retry waits for retryAtMs.
      const dues = [newer.length > 0 ? (row?.next_attempt_at_ms ?? result.finishedAtMs) : Infinity, retry.length > 0 ? options.retryAtMs! : Infinity];
      const due = list.length === 0 ? null : Math.min(...dues);
      const ok = result.outcome === "ok";
      stmt(
        db.sqlite,
        `INSERT INTO mirror_status (repo, url, attempted_at_ms, finished_at_ms, outcome, refs_json, error, stderr, failures, last_ok_at_ms, target_json, pending_refs_json, next_attempt_at_ms)
         VALUES (@repo, @url, @started, @finished, @outcome, @refs, @error, @stderr, @failures, @lastOk, @target, @pending, @due)
         ON CONFLICT (repo, url) DO UPDATE SET attempted_at_ms = @started, finished_at_ms = @finished, outcome = @outcome,
           refs_json = @refs, error = @error, stderr = @stderr,
           failures = CASE WHEN @ok THEN 0 ELSE failures + 1 END,
           last_ok_at_ms = CASE WHEN @ok THEN @finished ELSE last_ok_at_ms END,
           target_json = @target, pending_refs_json = @pending, next_attempt_at_ms = @due`,
      ).run({
        repo,
        url: target.url,
        started: result.startedAtMs,
        finished: result.finishedAtMs,
        outcome: result.outcome,
        refs: JSON.stringify(result.refs),
        error: result.error,
        stderr: result.stderr === "" ? null : result.stderr,
        failures: ok ? 0 : 1,
        lastOk: ok ? result.finishedAtMs : null,
        ok: ok ? 1 : 0,
        target: targetJson(target),
        pending: list.length === 0 ? null : JSON.stringify(list),
        due: list.length === 0 ? null : due,
      });
    })
    .immediate();
}
