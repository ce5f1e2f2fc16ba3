// Plugs the push path into a running quire (serve/start.ts): the workspace
// preparer the run queue calls before spawn, and the push socket listener,
// which also queues pushes spooled while the server was down.
import { rm } from "node:fs/promises";
import type { QuireHandle } from "../serve/start.js";
import type { PrepareRun } from "../runs/queue.js";
import { cancelRun } from "../runs/cancel.js";
import { getRun } from "../db/queries.js";
import { cancelMessage } from "../ci-status/format.js";
import { cancelledMessage, supersededMessage } from "../runs/stop-messages.js";
import { openRepo } from "../git/repos.js";
import { materializeWorkspace } from "../git/materialize.js";
import { RepoNameError, RepoNotFoundError } from "../git/errors.js";
import { recordPush } from "./history.js";
import { pushLedger } from "./ledger.js";
import { startPushListener } from "./listener.js";
import { drainSpool } from "./spool.js";
import { triggerPush, type PushTarget } from "./trigger.js";
import { publicBaseUrl, runUrl } from "./run-url.js";

/** The queue's prepare step: `git archive` the run's sha into its workspace. */
export function workspacePreparer(reposDir: string): PrepareRun {
  return async (run, dirs) => {
    const repo = await openRepo(reposDir, run.repo);
    // A run re-queued after a restart may have half a workspace from its first try.
    await rm(dirs.workspace, { recursive: true, force: true });
    await materializeWorkspace(repo.dir, run.sha, dirs.workspace);
  };
}

/** Start the push socket on `quire.paths.socket`, closed with the server; then drain the spool. */
export async function attachPushSocket(quire: QuireHandle): Promise<void> {
  const target: PushTarget = {
    reposDir: quire.paths.repos,
    createRun: (input) => {
      const created = quire.createRun({ repo: input.repo, ref: input.ref, sha: input.sha, push: input.push, nowMs: input.queuedAtMs });
      for (const s of created.superseded) quire.log(`${input.repo} ${input.ref}: ${supersededMessage(s)} by run ${created.run.id}`);
      return { id: created.run.id, superseded: created.superseded };
    },
    wake: () => quire.queue.wake(),
    runUrl: (repo, id) => runUrl(publicBaseUrl(quire.config.host, quire.url), { repo, id }),
    recordPush: (repo, event) => recordPush(quire.db, repo, event),
    onPush: (repo, event) => quire.pushes.emit(repo, event, quire.log),
    ledger: pushLedger(quire.db),
  };
  // One drain at a time; a hook that found the socket missing just as the
  // server started spools after the first drain, so look again now and then.
  let draining: Promise<unknown> = Promise.resolve();
  const drainOnce = () =>
    drainSpool(
      quire.paths.dataDir,
      async (event) => {
        const result = await triggerPush(event, target);
        const runs = result.runs.map((r) => `run ${r.id} for ${r.ref}`).join(", ") || "no runs";
        quire.log(result.repeated === true ? `push ${event.repo} (spooled): already handled, ${runs}` : `push ${event.repo} (spooled): ${runs}`);
      },
      quire.log,
      // Only a push to a repository that is gone (or never could exist) can never be queued.
      { permanent: (e) => e instanceof RepoNotFoundError || e instanceof RepoNameError },
    );
  const drainNow = (): Promise<number> => {
    const next = draining.then(drainOnce);
    draining = next.catch((e: unknown) => quire.log(`push spool: ${e instanceof Error ? e.message : String(e)}`));
    return next;
  };
  const listener = await startPushListener({
    ...target,
    socketPath: quire.paths.socket,
    log: quire.log,
    cancelRun: async (runId) => {
      const { stopped, done } = cancelRun(quire.db, runId);
      await done;
      quire.queue.wake();
      const run = getRun(quire.db, runId)!;
      if (stopped !== undefined) quire.log(`${cancelledMessage(stopped)} by the operator`);
      return cancelMessage(run, stopped);
    },
    // Answered at once: a push of thousands of refs takes git a while, and the hook should not wait for it.
    drainSpool: async () => {
      void drainNow().catch(() => {});
      return "the server is queuing it now";
    },
  });
  quire.addCloser(() => listener.close());
  const first = await drainNow().catch(() => 0);
  if (first > 0) quire.log(`queued ${first} push(es) made while the server was down`);
  const timer = setInterval(() => void drainNow().catch(() => {}), SPOOL_RECHECK_MS);
  timer.unref();
  quire.addCloser(async () => {
    clearInterval(timer);
    await draining;
  });
}

/** How often a running server looks for pushes spooled while it was starting. */
export const SPOOL_RECHECK_MS = 10_000;
