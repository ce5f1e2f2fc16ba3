// Observers of runs that reach a terminal state (notifications): transitionRun
// announces each terminal row here after its transaction; listeners run later,
// off the caller's path, and their failures are logged, never thrown back.
import type { Db } from "../db/open.js";
import type { RunRow } from "../db/schema.js";

export type TerminalListener = (run: RunRow) => void | Promise<void>;

const listeners = new WeakMap<Db, Set<{ fn: TerminalListener; log: (line: string) => void }>>();

/** Call `fn` for every run of `db` that becomes terminal; returns how to stop. */
export function onRunTerminal(db: Db, fn: TerminalListener, log: (line: string) => void): () => void {
  let set = listeners.get(db);
  if (set === undefined) listeners.set(db, (set = new Set()));
  const entry = { fn, log };
  set.add(entry);
  return () => void set.delete(entry);
}

/**
 * Tell the listeners that `run` is terminal. They run after the current
 * transaction and call stack are done (setImmediate), so nothing they do can
 * delay, roll back or fail the transition.
 */
export function announceTerminal(db: Db, run: RunRow): void {
  const set = listeners.get(db);
  if (set === undefined || set.size === 0) return;
  for (const { fn, log } of set) {
    setImmediate(() => {
      Promise.resolve()
        .then(() => fn(run))
        .catch((e: unknown) => log(`run ${run.id}: a listener of terminal runs failed: ${e instanceof Error ? e.message : String(e)}`));
    });
  }
}
