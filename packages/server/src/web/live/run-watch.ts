// Notices run changes for live pages, whoever made them (this server's queue
// and API, or another process on the same database: `quire ci retry`,
// `quire ci cancel`): while anyone listens, it looks every POLL_MS at the runs
// that can still change (pending, active, or terminal with an executor still
// exiting) and at runs inserted since the last look, and reports each one
// whose state, last event seq or executor changed. poke() looks at once (the
// events route calls it as events arrive).
import { stmt } from "../../db/statements.js";
import type { Db } from "../../db/open.js";

export interface WatchedRun {
  id: string;
  repo: string;
  state: string;
  lastEventSeq: number;
  pid: number | null;
}

const POLL_MS = 200;
const COLUMNS = "rowid, id, repo, state, last_event_seq AS lastEventSeq, pid";

type Row = WatchedRun & { rowid: number };

export class RunWatch {
  private readonly listeners = new Set<(run: WatchedRun) => void>();
  private readonly versions = new Map<string, string>();
  private lastRowid = -1;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;

  constructor(private readonly db: Db, private readonly pollMs = POLL_MS) {}

  /** Call `fn` for every run that changes from now on; returns how to stop. */
  subscribe(fn: (run: WatchedRun) => void): () => void {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Look now (soon after the current work), not at the next poll. */
  poke(): void {
    if (this.listeners.size === 0 || this.soon !== undefined) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      this.check();
    });
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    const max = stmt(this.db.sqlite, "SELECT COALESCE(MAX(rowid), 0) AS m FROM runs").get() as { m: number };
    this.lastRowid = max.m;
    this.versions.clear();
    for (const row of this.live()) this.versions.set(row.id, version(row));
    this.timer = setInterval(() => this.check(), this.pollMs);
    this.timer.unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.soon !== undefined) clearImmediate(this.soon);
    this.soon = undefined;
  }

  private live(): Row[] {
    return stmt(this.db.sqlite, `SELECT ${COLUMNS} FROM runs WHERE state IN ('pending', 'active')`).all() as Row[];
  }

  private check(): void {
    if (this.listeners.size === 0) return;
    const rows: Row[] = [];
    try {
      const seen = new Set<string>();
      const add = (row: Row) => {
        if (!seen.has(row.id)) rows.push(row);
        seen.add(row.id);
      };
      for (const row of this.live()) add(row);
      for (const row of stmt(this.db.sqlite, `SELECT ${COLUMNS} FROM runs WHERE rowid > ?`).all(this.lastRowid) as Row[]) add(row);
      // Runs that left pending/active since the last look, or whose executor is still exiting.
      const byId = stmt(this.db.sqlite, `SELECT ${COLUMNS} FROM runs WHERE id = ?`);
      for (const id of [...this.versions.keys()]) {
        if (seen.has(id)) continue;
        const row = byId.get(id) as Row | undefined;
        if (row === undefined) this.versions.delete(id);
        else add(row);
      }
    } catch {
      return; // the database is busy or closing: the next look will do
    }
    for (const row of rows) {
      this.lastRowid = Math.max(this.lastRowid, row.rowid);
      const v = version(row);
      const changed = this.versions.get(row.id) !== v;
      if (row.state !== "pending" && row.state !== "active" && row.pid === null) this.versions.delete(row.id);
      else this.versions.set(row.id, v);
      if (!changed) continue;
      const { rowid: _rowid, ...run } = row;
      for (const fn of [...this.listeners]) fn(run);
    }
  }
}

function version(row: Pick<WatchedRun, "state" | "lastEventSeq" | "pid">): string {
  return `${row.state}|${row.lastEventSeq}|${row.pid === null ? "" : "p"}`;
}
