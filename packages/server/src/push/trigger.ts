// What a push does on the server: for each updated, non-deleted ref whose
// tree has a .quire/ci.fnl, compute its `:quire/push` outputs from git, create
// a run (which supersedes older runs of the same repo and ref), then wake the
// queue once. A push that carries a push id already handled gets the reply it
// got then and starts nothing (push/ledger.ts). The push history is written
// with the runs; in-memory listeners hear of the push only once that has
// committed, never of one that rolled back.
import { isZeroSha, type PushEvent, type PushOutputs } from "@quire/shared";
import { commitExists, computePushOutputs, hasPipeline, PIPELINE_FILE } from "../git/push-outputs.js";
import { openRepo } from "../git/repos.js";
import type { PushLedger } from "./ledger.js";
import type { PushResult, QueuedRun, SkippedRef } from "./protocol.js";

/** A run to create for one ref of a push. */
export interface NewRunInput {
  repo: string;
  ref: string;
  sha: string;
  push: PushOutputs;
  queuedAtMs: number;
}

/** What creating a run tells the pusher: its id, and the runs of the ref it superseded. */
export interface CreatedForPush {
  id: string;
  superseded?: readonly { id: string; from: string; sinceMs: number }[];
}

/** The parts of the server a push reaches. */
export interface PushTarget {
  reposDir: string;
  /** Insert a pending run, superseding older runs of (repo, ref); returns its id and the runs it superseded. */
  createRun(input: NewRunInput): CreatedForPush;
  /** Tell the queue that pending runs may be waiting. */
  wake(): void;
  /** The web URL of a run, printed to the pusher. */
  runUrl(repo: string, runId: string): string;
  /** Record the push in the database (the push history); called in the transaction that creates its runs, so both roll back together. */
  recordPush?(repo: string, event: PushEvent): void;
  /** Told of every push to an existing repository once it and its runs are committed (web caches, mirrors); never of one that rolled back or was handled before. */
  onPush?(repo: string, event: PushEvent): void;
  /** Push ids already handled; without it every event is queued as new. */
  ledger?: PushLedger;
}

/** Queue the runs of one push event; throws when its repository does not exist. */
export async function triggerPush(event: PushEvent, target: PushTarget): Promise<PushResult> {
  const repo = await openRepo(target.reposDir, event.repo);
  const { ledger } = target;
  const pushId = event.push_id;
  if (ledger !== undefined && pushId !== undefined) {
    const seen = ledger.replyFor(pushId);
    if (seen !== undefined) return { ...seen, repeated: true };
  }
  // First whether each pushed commit has a pipeline, once per distinct sha (a
  // push of thousands of refs usually names few commits), then the outputs of
  // only the refs that will run, all from git at once, in the push's ref order.
  const trees = new Map<string, Promise<"pipeline" | "none" | "missing">>();
  const treeOf = (sha: string) => {
    let t = trees.get(sha);
    if (t === undefined) {
      t = hasPipeline(repo.dir, sha).then(async (yes) => (yes ? "pipeline" : (await commitExists(repo.dir, sha)) ? "none" : "missing"));
      trees.set(sha, t);
    }
    return t;
  };
  const outputs = await Promise.all(
    event.refs.map(async (update): Promise<PushOutputs | string> => {
      if (isZeroSha(update.new_sha)) return "the ref was deleted";
      const tree = await treeOf(update.new_sha);
      // A tree without a pipeline has nothing to run; a failed run per push would only be noise.
      if (tree === "none") return `no ${PIPELINE_FILE} in ${update.new_sha.slice(0, 12)}`;
      try {
        if (tree === "missing") throw new Error("no such commit in the repository");
        return await computePushOutputs(repo.dir, update, { repo: repo.name, pusher: event.pusher, pushedAtMs: event.pushed_at_ms });
      } catch (e) {
        return `cannot read ${update.new_sha} from git: ${e instanceof Error ? e.message : String(e)}`;
      }
    }),
  );
  const create = (): PushResult => {
    target.recordPush?.(repo.name, event);
    const result: PushResult = { runs: [], skipped: [] };
    for (const [i, update] of event.refs.entries()) {
      const push = outputs[i]!;
      if (typeof push === "string") {
        result.skipped.push({ ref: update.ref, reason: push });
        continue;
      }
      const { id, superseded = [] } = target.createRun({ repo: repo.name, ref: update.ref, sha: push.sha, push, queuedAtMs: Date.now() });
      result.runs.push({
        id,
        ref: update.ref,
        sha: push.sha,
        url: target.runUrl(repo.name, id),
        ...(superseded.length > 0 ? { superseded: superseded.map((s) => ({ id: s.id, from: s.from, since_ms: s.sinceMs })) } : {}),
      });
    }
    return result;
  };
  if (ledger === undefined || pushId === undefined) {
    const result = create();
    target.onPush?.(repo.name, event);
    if (result.runs.length > 0) target.wake();
    return result;
  }
  // commit() throws when the transaction rolls back: then no listener is told.
  const { result, repeated } = ledger.commit(pushId, repo.name, create);
  if (repeated) return { ...result, repeated: true };
  target.onPush?.(repo.name, event);
  if (result.runs.length > 0) target.wake();
  return result;
}
