// Creating a run (SPEC §7): insert a `pending` row for a pushed ref and
// supersede the older runs of the same (repo, ref) in one transaction.
import { stmt } from "../db/statements.js";
import { parsePushOutputs, type PushOutputs } from "@quire/shared";
import type { Db } from "../db/open.js";
import { getRun } from "../db/queries.js";
import type { RunRow } from "../db/schema.js";
import { newRunId } from "./ids.js";
import { stopProcesses, supersedeOlder, type StoppedRun } from "./supersede.js";

export interface CreateRunInput {
  repo: string;
  ref: string;
  sha: string;
  /** The `:quire/push` outputs; its `ref` and `sha` must match. */
  push: PushOutputs;
  nowMs?: number;
}

export interface CreateRunOptions {
  /** TERM→KILL grace for superseded executors (default 5000 ms). */
  killGraceMs?: number;
}

export interface CreatedRun {
  run: RunRow;
  /** Older runs of the same (repo, ref) now `superseded` by `run`. */
  superseded: StoppedRun[];
  /** Resolves once the superseded runs' process groups are gone. */
  stopped: Promise<void>;
}

/**
 * Queue a run for `ref` at `sha`. The caller wakes the queue (the handle
 * returned by startQuire does). Throws TypeError naming the field when the
 * push outputs are malformed or disagree with repo/ref/sha.
 */
export function createRun(db: Db, input: CreateRunInput, options: CreateRunOptions = {}): CreatedRun {
  const push = parsePushOutputs(input.push);
  if (push.ref !== input.ref) throw new TypeError(`push.ref ${JSON.stringify(push.ref)} differs from ref ${JSON.stringify(input.ref)}`);
  if (push.sha !== input.sha) throw new TypeError(`push.sha ${JSON.stringify(push.sha)} differs from sha ${JSON.stringify(input.sha)}`);
  const now = input.nowMs ?? Date.now();
  const { run, superseded } = db.sqlite.transaction(() => {
    const id = newRunId();
    stmt(
        db.sqlite,
        `INSERT INTO runs (id, repo, ref, sha, state, queued_at_ms, push_json)
         VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(id, input.repo, input.ref, input.sha, now, JSON.stringify(push));
    const row = getRun(db, id)!;
    return { run: row, superseded: supersedeOlder(db, row, now) };
  })();
  const stopped = stopProcesses(db, superseded, { graceMs: options.killGraceMs });
  return { run, superseded, stopped };
}
