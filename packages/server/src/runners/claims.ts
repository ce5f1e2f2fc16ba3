// What a runner holds (docs/SCALING.md): claiming the oldest remote run whose
// :runs-on its labels cover, within its :max-concurrent-runs, in one write
// transaction so no run is claimed twice; giving back a claim the runner never
// started (the run stays queued); and losing a started one: failed/runner-lost,
// then re-queued once as a new run that names it.
import { labelsCover, parsePushOutputs } from "@quire/shared";
import type { Db } from "../db/open.js";
import { getRun } from "../db/queries.js";
import type { RunnerRow, RunRow } from "../db/schema.js";
import { stmt } from "../db/statements.js";
import { InvalidTransitionError } from "../errors.js";
import { createRun } from "../runs/create.js";
import { hashRunToken, newRunToken } from "../runs/tokens.js";
import { transitionRun } from "../runs/transition.js";

export interface Claim {
  run: RunRow;
  /** The run's bearer token: the runner hands it to quire-ci on a file descriptor. */
  token: string;
}

/** Labels a run asks for (its :runs-on). */
export function runsOn(run: Pick<RunRow, "runsOnJson">): string[] {
  return run.runsOnJson === null ? [] : (JSON.parse(run.runsOnJson) as string[]);
}

/** Runs `runner` holds: claimed and not terminal. */
export function heldRuns(db: Db, runner: string): RunRow[] {
  return (stmt(db.sqlite, "SELECT id FROM runs WHERE runner = ? AND state IN ('pending', 'active') ORDER BY claimed_at_ms, rowid").all(runner) as { id: string }[])
    .map((r) => getRun(db, r.id))
    .filter((r): r is RunRow => r !== undefined);
}

/** Claim the oldest waiting remote run `runner` may take, or undefined. */
export function claimRun(db: Db, runner: RunnerRow, labels: readonly string[], nowMs = Date.now()): Claim | undefined {
  return db.sqlite
    .transaction((): Claim | undefined => {
      const held = (stmt(db.sqlite, "SELECT count(*) AS n FROM runs WHERE runner = ? AND state IN ('pending', 'active')").get(runner.name) as { n: number }).n;
      if (held >= runner.maxConcurrentRuns) return undefined;
      const waiting = stmt(
        db.sqlite,
        "SELECT id, runs_on_json AS runsOnJson FROM runs WHERE state = 'pending' AND launcher = 'remote' AND runner IS NULL ORDER BY queued_at_ms, rowid LIMIT 200",
      ).all() as { id: string; runsOnJson: string | null }[];
      const match = waiting.find((r) => labelsCover(labels, runsOn(r)));
      if (match === undefined) return undefined;
      const token = newRunToken(match.id);
      stmt(
        db.sqlite,
        `UPDATE runs SET runner = ?, claimed_at_ms = MAX(?, queued_at_ms), spawned_at_ms = MAX(?, queued_at_ms), token_hash = ?
         WHERE id = ? AND state = 'pending' AND runner IS NULL`,
      ).run(runner.name, nowMs, nowMs, hashRunToken(token), match.id);
      return { run: getRun(db, match.id)!, token };
    })
    .immediate();
}

/** Give back a claim on a run that never started (still pending): it waits for a runner again. */
export function releaseClaim(db: Db, runId: string, runner: string): boolean {
  return (
    stmt(
      db.sqlite,
      "UPDATE runs SET runner = NULL, claimed_at_ms = NULL, spawned_at_ms = NULL, token_hash = NULL WHERE id = ? AND runner = ? AND state = 'pending'",
    ).run(runId, runner).changes === 1
  );
}

export interface LostRun {
  id: string;
  /** What became of it: back in the queue (never started), or failed/runner-lost. */
  outcome: "released" | "runner-lost";
  /** The run made to try again, when it was re-queued. */
  requeuedAs?: string;
}

/**
 * Runner `runner` will not finish run `runId` (`why`): a pending claim goes
 * back to the queue; an active run fails as runner-lost and, unless it is
 * itself a retry or a newer run of its ref exists, is queued again as a new
 * run for runners.
 */
export function loseRun(db: Db, runId: string, runner: string, why: string, nowMs = Date.now()): LostRun | undefined {
  return db.sqlite
    .transaction((): LostRun | undefined => {
      const run = getRun(db, runId);
      if (run === undefined || run.runner !== runner) return undefined;
      if (run.state === "pending") return releaseClaim(db, runId, runner) ? { id: runId, outcome: "released" } : undefined;
      if (run.state !== "active") return undefined;
      try {
        transitionRun(db, runId, "active", "failed", { failureKind: "runner-lost", error: `runner ${runner} ${why}`, nowMs });
      } catch (e) {
        if (e instanceof InvalidTransitionError) return undefined;
        throw e;
      }
      const lost: LostRun = { id: runId, outcome: "runner-lost" };
      const newer = stmt(db.sqlite, "SELECT count(*) AS n FROM runs WHERE repo = ? AND ref = ? AND queued_at_ms > ? AND id <> ?").get(
        run.repo,
        run.ref,
        run.queuedAtMs,
        run.id,
      ) as { n: number };
      if (run.requeuedFrom !== null || newer.n > 0) return lost;
      const again = createRun(db, { repo: run.repo, ref: run.ref, sha: run.sha, push: parsePushOutputs(JSON.parse(run.pushJson)), nowMs }).run;
      stmt(db.sqlite, "UPDATE runs SET requeued_from = ?, launcher = 'remote', runs_on_json = ? WHERE id = ?").run(run.id, run.runsOnJson, again.id);
      return { ...lost, requeuedAs: again.id };
    })
    .immediate();
}
