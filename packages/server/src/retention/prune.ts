// Pruning old runs (SPEC §7): decide with policy.ts under each repo's
// retention (global, then its .quire/config.fnl at HEAD), then delete the
// rows (jobs, sh rows and notifications cascade) and the run directories.
// A dry run only reports what would go and the bytes it would free.
import { rmSync } from "node:fs";
import { stmt } from "../db/statements.js";
import { loadRepoConfig } from "../config/repo-config.js";
import type { RetentionPolicy } from "../config/retention.js";
import type { Db } from "../db/open.js";
import { RepoNotFoundError } from "../git/errors.js";
import { openRepo } from "../git/repos.js";
import { runDirs } from "../runs/spawn.js";
import { runsToPrune, type RetentionCandidate } from "./policy.js";
import { diskBytes } from "./run-dirs.js";

export interface PrunedRun extends RetentionCandidate {
  reason: string;
  /** Bytes of its directory (events, logs, any workspace). */
  bytes: number;
}

export interface PruneReport {
  dryRun: boolean;
  runs: PrunedRun[];
  bytes: number;
  /** Repos whose own config could not be read (the global policy applied). */
  warnings: string[];
}

export interface PruneOptions {
  db: Db;
  reposDir: string;
  runsDir: string;
  /** The global :retention. */
  retention: RetentionPolicy;
  dryRun?: boolean;
  nowMs?: number;
}

/** Each repo's policy: the global one with its .quire/config.fnl :retention (at HEAD) over it. */
async function policies(options: PruneOptions, repos: string[], warnings: string[]): Promise<Map<string, RetentionPolicy>> {
  const out = new Map<string, RetentionPolicy>();
  for (const name of repos) {
    let own: Partial<RetentionPolicy> | undefined;
    try {
      const repo = await openRepo(options.reposDir, name);
      own = (await loadRepoConfig(repo.dir, repo.name, null)).config.retention;
    } catch (e) {
      // A removed repo's runs follow the global policy; a broken config is worth a word.
      if (!(e instanceof RepoNotFoundError)) warnings.push(`${name}: global retention applies: ${e instanceof Error ? e.message : String(e)}`);
    }
    out.set(name, { ...options.retention, ...own });
  }
  return out;
}

/** Prune (or, with dryRun, list) the runs the retention policy lets go. */
export async function pruneRuns(options: PruneOptions): Promise<PruneReport> {
  const { db } = options;
  const nowMs = options.nowMs ?? Date.now();
  const candidates = stmt(
    db.sqlite,
    `SELECT id, repo, ref, state, queued_at_ms AS queuedAtMs, finished_at_ms AS finishedAtMs FROM runs ORDER BY queued_at_ms, rowid`,
  ).all() as RetentionCandidate[];
  const warnings: string[] = [];
  const byRepo = await policies(options, [...new Set(candidates.map((c) => c.repo))], warnings);
  const decisions = runsToPrune(candidates, (repo) => byRepo.get(repo)!, nowMs);
  decisions.sort((a, b) => a.run.queuedAtMs - b.run.queuedAtMs);
  const runs: PrunedRun[] = decisions.map((d) => ({ ...d.run, reason: d.reason, bytes: diskBytes(runDirs(options.runsDir, d.run.repo, d.run.id).runDir) }));
  const report: PruneReport = { dryRun: options.dryRun === true, runs, bytes: runs.reduce((n, r) => n + r.bytes, 0), warnings };
  if (report.dryRun || runs.length === 0) return report;
  // Rows first, in one transaction; a directory left by a crash after it is a stray the sweep removes.
  const del = stmt(db.sqlite, "DELETE FROM runs WHERE id = ? AND state IN ('complete', 'failed', 'superseded')");
  db.sqlite.transaction(() => {
    for (const r of runs) del.run(r.id);
  })();
  for (const r of runs) rmSync(runDirs(options.runsDir, r.repo, r.id).runDir, { recursive: true, force: true });
  return report;
}
