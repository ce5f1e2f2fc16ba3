// Telling a database that cannot be written (read-only, full, failing) from
// other errors, and proving at start that quire.db takes a write: each
// `quire serve` records its start in serve_starts before it listens.
import type { Db } from "./open.js";
import { DatabaseUnwritableError } from "../errors.js";

const STORAGE_CODES = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB|PERM)/;

/** SQLite's error code when `e` means the database file cannot be written now; else undefined. */
export function storageErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && STORAGE_CODES.test(code)) return code;
  const errno = (e as NodeJS.ErrnoException | null)?.code;
  if (errno === "ENOSPC" || errno === "EROFS" || errno === "EACCES" || errno === "EDQUOT" || errno === "EIO") return errno;
  return undefined;
}

/** Record this server's start: a real committed write. Throws DatabaseUnwritableError when it cannot. */
export function recordServeStart(db: Db, nowMs: number = Date.now()): void {
  try {
    db.sqlite.prepare("INSERT INTO serve_starts (started_at_ms, pid) VALUES (?, ?)").run(nowMs, process.pid);
  } catch (e) {
    const code = storageErrorCode(e);
    if (code === undefined) throw e;
    throw new DatabaseUnwritableError(db.file, code, (e as Error).message, { cause: e });
  }
}

export interface RetryWhileUnwritableOptions {
  /** Told of each failed try (1, 2, …) and the storage error's code. */
  onWait(code: string, attempt: number): void;
  /** Give up when this turns true (the server is stopping). */
  shouldStop(): boolean;
  /**
   * First wait (default 500 ms); doubles up to maxWaitMs (default 2 s), so the
   * write lands within about 2 s of the disk having a little room again. A
   * failed try costs one rolled-back transaction and takes no space.
   */
  firstWaitMs?: number;
  maxWaitMs?: number;
}

/**
 * Run `write` until it no longer fails for want of storage (a full, read-only
 * or failing database); other errors propagate. Resolves undefined when told
 * to stop first: the next start picks the work up (runs/orphans.ts).
 */
export async function retryWhileUnwritable<T>(write: () => T, options: RetryWhileUnwritableOptions): Promise<T | undefined> {
  let wait = options.firstWaitMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return write();
    } catch (e) {
      const code = storageErrorCode(e);
      if (code === undefined) throw e;
      options.onWait(code, attempt);
    }
    const until = Date.now() + wait;
    while (Date.now() < until) {
      if (options.shouldStop()) return undefined;
      await new Promise((r) => setTimeout(r, Math.min(100, until - Date.now())));
    }
    if (options.shouldStop()) return undefined;
    wait = Math.min(wait * 2, options.maxWaitMs ?? 2_000);
  }
}
