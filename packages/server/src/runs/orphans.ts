// Orphan reconciliation (SPEC §7), run at startup before the queue: runs left
// active by a previous server become failed/orphaned after any stray process
// group is killed; pending runs stay queued (a half-spawned one is reset so
// it runs again); terminal runs with a leftover process lose it.
import { stmt } from "../db/statements.js";
import type { Db } from "../db/open.js";
import { runsWithProcess } from "../db/queries.js";
import { killProcessGroup, isProcessGroupAlive } from "./process-group.js";
import { groupMatchesIdentity } from "./process-identity.js";
import { transitionRun } from "./transition.js";

export interface OrphanReport {
  /** Active runs resolved failed/orphaned. */
  orphaned: string[];
  /** Pending runs whose half-started executor was killed; they stay queued. */
  requeued: string[];
  /** Process groups that were still alive and were killed. */
  killedGroups: number[];
  /** Recorded groups now held by other processes (pid reused): left alone. */
  foreignGroups: number[];
}

/** Reconcile the database with the processes actually running. */
export async function reconcileOrphans(db: Db, options: { killGraceMs?: number; nowMs?: number } = {}): Promise<OrphanReport> {
  const report: OrphanReport = { orphaned: [], requeued: [], killedGroups: [], foreignGroups: [] };
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
  const active = stmt(db.sqlite, "SELECT id FROM runs WHERE state = 'active' ORDER BY queued_at_ms, rowid").all() as { id: string }[];
  for (const { id } of active) {
    transitionRun(db, id, "active", "failed", {
      failureKind: "orphaned",
      error: "found active when quire serve started; its quire-ci was gone or was stopped",
      nowMs: options.nowMs,
    });
    report.orphaned.push(id);
  }
  return report;
}
