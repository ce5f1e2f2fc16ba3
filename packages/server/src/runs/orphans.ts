// Orphan reconciliation (SPEC §7), run at startup before the queue: any stray
// process group of a run is killed; a run left active by a previous server (and
// not held by a runner on another host, whose runner reports on it) is
// resolved from its events.jsonl when that record is whole (it ends with
// run_finished: quire-ci finished while the server was down), else it
// becomes failed/orphaned; pending runs stay queued (a half-spawned one is
// reset so it runs again); terminal runs with a leftover process lose it.
import { stmt } from "../db/statements.js";
import type { Db } from "../db/open.js";
import { runsWithProcess } from "../db/queries.js";
import { killProcessGroup, isProcessGroupAlive } from "./process-group.js";
import { groupMatchesIdentity } from "./process-identity.js";
import { ingestEventsFile } from "./ingest.js";
import { outcomeRule } from "./outcome.js";
import { runDirs } from "./spawn.js";
import { transitionRun } from "./transition.js";

export interface OrphanReport {
  /** Active runs resolved failed/orphaned. */
  orphaned: string[];
  /** Active runs whose events.jsonl ended with run_finished: resolved by the outcome rule. */
  resolvedFromEvents: { id: string; state: string; failureKind: string | null }[];
  /** Pending runs whose half-started executor was killed; they stay queued. */
  requeued: string[];
  /** Process groups that were still alive and were killed. */
  killedGroups: number[];
  /** Recorded groups now held by other processes (pid reused): left alone. */
  foreignGroups: number[];
}

/** Reconcile the database with the processes actually running. */
export async function reconcileOrphans(
  db: Db,
  options: { killGraceMs?: number; nowMs?: number; /** `<data>/runs`, where events.jsonl files are; without it active runs are orphaned. */ runsDir?: string } = {},
): Promise<OrphanReport> {
  const report: OrphanReport = { orphaned: [], requeued: [], killedGroups: [], foreignGroups: [], resolvedFromEvents: [] };
  for (const run of runsWithProcess(db)) {
    const pid = run.pid!;
    if (isProcessGroupAlive(pid)) {
      if (groupMatchesIdentity(pid, run.pidIdentity)) {
        await killProcessGroup(pid, { graceMs: options.killGraceMs ?? 2000 });
        report.killedGroups.push(pid);
      } else {
        report.foreignGroups.push(pid);
      }
    }
    if (run.state === "pending") {
      stmt(db.sqlite, "UPDATE runs SET pid = NULL, pid_identity = NULL, spawned_at_ms = NULL, token_hash = NULL WHERE id = ?").run(run.id);
      report.requeued.push(run.id);
    } else {
      stmt(db.sqlite, "UPDATE runs SET pid = NULL, pid_identity = NULL WHERE id = ?").run(run.id);
    }
  }
  const active = stmt(db.sqlite, "SELECT id, repo FROM runs WHERE state = 'active' AND runner IS NULL ORDER BY queued_at_ms, rowid").all() as { id: string; repo: string }[];
  for (const { id, repo } of active) {
    if (options.runsDir !== undefined && resolveFromEvents(db, id, runDirs(options.runsDir, repo, id).eventsFile, options.nowMs)) {
      const row = stmt(db.sqlite, "SELECT state, failure_kind FROM runs WHERE id = ?").get(id) as { state: string; failure_kind: string | null };
      report.resolvedFromEvents.push({ id, state: row.state, failureKind: row.failure_kind });
      continue;
    }
    transitionRun(db, id, "active", "failed", {
      failureKind: "orphaned",
      error: "found active when quire serve started; its quire-ci was gone or was stopped before it finished",
      nowMs: options.nowMs,
    });
    report.orphaned.push(id);
  }
  return report;
}

/**
 * Ingest what a dead run's quire-ci left and, when the record is whole (no
 * seq missing, ending with run_finished), resolve it as an exit 0 with that
 * outcome would have. False when the record is not whole: the caller orphans it.
 */
function resolveFromEvents(db: Db, runId: string, eventsFile: string, nowMs: number | undefined): boolean {
  const ingest = ingestEventsFile(db, runId, eventsFile);
  const reported = (stmt(db.sqlite, "SELECT reported_outcome FROM runs WHERE id = ?").get(runId) as { reported_outcome: string | null }).reported_outcome;
  if (!ingest.fileFound || ingest.missingSeqs > 0 || reported === null) return false;
  const { to, failureKind } = outcomeRule({ code: 0, signal: null }, reported);
  transitionRun(db, runId, "active", to, {
    ...(failureKind === undefined ? {} : { failureKind }),
    error: to === "complete" ? undefined : `resolved when quire serve started, from events.jsonl (run_finished ${reported}); quire-ci had finished while the server was down`,
    nowMs,
  });
  return true;
}
