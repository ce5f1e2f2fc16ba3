// Workspaces of runs that are over (SPEC §7): the queue removes each one when
// its run ends; this sweep removes what a crash or a kill left behind, in the
// workspaces directory (`<workspaces>/<run-id>`, runs/workspaces.ts) and in
// run directories of the earlier layout (`runs/<repo>/<id>/workspace`), and
// removes run directories whose run is gone.
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { isTerminalRunState, type RunState } from "@quire/shared";
import { stmt } from "../db/statements.js";
import type { Db } from "../db/open.js";
import { listRunDirs } from "./run-dirs.js";

export interface SweepReport {
  /** Workspaces removed, as `<repo>/<run-id>`. */
  workspaces: string[];
  /** Run directories removed whole because no run row names them. */
  strays: string[];
}

function removeDir(dir: string): boolean {
  try {
    rmSync(dir, { recursive: true });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    return false;
  }
}

/**
 * Remove leftover workspaces of finished runs and run directories without a
 * run. Pending and active runs are left alone, and so is any workspace whose
 * run this database does not know (the workspaces directory may be shared by
 * several data directories of one user).
 */
export function sweepWorkspaces(db: Db, runsDir: string, workspacesDir?: string): SweepReport {
  const report: SweepReport = { workspaces: [], strays: [] };
  const runOf = stmt(db.sqlite, "SELECT repo, state FROM runs WHERE id = ?");
  const stateOf = stmt(db.sqlite, "SELECT state FROM runs WHERE id = ? AND repo = ?");
  if (workspacesDir !== undefined) {
    let ids: string[] = [];
    try {
      ids = readdirSync(workspacesDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    for (const id of ids) {
      const row = runOf.get(id) as { repo: string; state: RunState } | undefined;
      if (row !== undefined && isTerminalRunState(row.state) && removeDir(path.join(workspacesDir, id))) report.workspaces.push(`${row.repo}/${id}`);
    }
  }
  for (const { repo, id, dir } of listRunDirs(runsDir)) {
    const row = stateOf.get(id, repo) as { state: RunState } | undefined;
    if (row === undefined) {
      rmSync(dir, { recursive: true, force: true });
      report.strays.push(`${repo}/${id}`);
    } else if (isTerminalRunState(row.state) && removeDir(path.join(dir, "workspace"))) {
      report.workspaces.push(`${repo}/${id}`);
    }
  }
  return report;
}
