// Lookups the `quire ci` commands need beyond db/queries.ts: a run by id or
// unique id prefix, and the log files of a run on disk.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db/open.js";
import { getRun } from "../db/queries.js";
import type { RunRow } from "../db/schema.js";
import { RunNotFoundError } from "../errors.js";
import { runDirs } from "../runs/spawn.js";
import { UsageError } from "../cli/context.js";

/** The run with id `idOrPrefix`, or the one run whose id starts with it (4+ characters). */
export function findRun(db: Db, idOrPrefix: string): RunRow {
  const exact = getRun(db, idOrPrefix);
  if (exact !== undefined) return exact;
  if (/^[0-9a-f]{4,}$/.test(idOrPrefix)) {
    const ids = db.sqlite.prepare("SELECT id FROM runs WHERE substr(id, 1, ?) = ? LIMIT 2").all(idOrPrefix.length, idOrPrefix) as { id: string }[];
    if (ids.length === 1) return getRun(db, ids[0]!.id)!;
    if (ids.length > 1) throw new UsageError(`run id prefix ${JSON.stringify(idOrPrefix)} matches several runs; type more of the id`);
  }
  throw new RunNotFoundError(idOrPrefix);
}

export interface RunLogs {
  runDir: string;
  eventsFile: string;
  executorLog: string;
  /** `jobs/<job-id>/sh-<n>.log` files that exist, keyed `<job-id>/<n>`. */
  shLogs: Map<string, string>;
}

/** Where a run's events and logs are (SPEC §2), with the sh logs found on disk. */
export function runLogs(runsDir: string, run: RunRow): RunLogs {
  const dirs = runDirs(runsDir, run.repo, run.id);
  const shLogs = new Map<string, string>();
  const jobsDir = path.join(dirs.runDir, "jobs");
  if (existsSync(jobsDir)) {
    for (const job of readdirSync(jobsDir)) {
      for (const file of readdirSync(path.join(jobsDir, job))) {
        const m = /^sh-(\d+)\.log$/.exec(file);
        if (m) shLogs.set(`${job}/${Number(m[1])}`, path.join(jobsDir, job, file));
      }
    }
  }
  return { runDir: dirs.runDir, eventsFile: dirs.eventsFile, executorLog: dirs.logFile, shLogs };
}
