// Workspaces of runs that are over (SPEC §7): the queue removes each one when
// its run ends; this sweep removes what a crash or a kill left behind, for
// finished runs and for run directories whose run is gone.
import { rmSync } from "node:fs";
import path from "node:path";
import { isTerminalRunState } from "@quire/shared";
import { stmt } from "../db/statements.js";
import type { Db } from "../db/open.js";
import { listRunDirs } from "./run-dirs.js";

export interface SweepReport {
  /** Workspaces removed, as `<repo>/<run-id>`. */
  workspaces: string[];
  /** Run directories removed whole because no run row names them. */
  strays: string[];
}

/** Remove leftover workspaces of finished runs and run directories without a run. Pending and active runs are left alone. */
export function sweepWorkspaces(db: Db, runsDir: string): SweepReport {
  const report: SweepReport = { workspaces: [], strays: [] };
  const stateOf = stmt(db.sqlite, "SELECT state FROM runs WHERE id = ? AND repo = ?");
  for (const { repo, id, dir } of listRunDirs(runsDir)) {
    const row = stateOf.get(id, repo) as { state: string } | undefined;
    if (row === undefined) {
      rmSync(dir, { recursive: true, force: true });
      report.strays.push(`${repo}/${id}`);
    } else if (isTerminalRunState(row.state as never)) {
      const workspace = path.join(dir, "workspace");
      try {
        rmSync(workspace, { recursive: true });
        report.workspaces.push(`${repo}/${id}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
  }
  return report;
}
