// Retention inside `quire serve` (SPEC §7): at start and then daily, sweep
// leftover workspaces and prune old runs, logging what went. Stopped with
// the server; a failure is logged and never stops anything else.
import type { QuireHandle } from "../serve/start.js";
import { pruneRuns } from "./prune.js";
import { sweepWorkspaces } from "./workspaces.js";

export const RETENTION_INTERVAL_MS = 24 * 3600_000;

/** One sweep and prune now, on `quire`'s database and data directory. */
export async function retentionPass(quire: Pick<QuireHandle, "db" | "paths" | "config" | "log" | "workspacesDir">): Promise<void> {
  const swept = sweepWorkspaces(quire.db, quire.paths.runs, quire.workspacesDir);
  if (swept.workspaces.length > 0) quire.log(`retention: removed ${swept.workspaces.length} leftover workspace(s): ${swept.workspaces.join(", ")}`);
  if (swept.strays.length > 0) quire.log(`retention: removed ${swept.strays.length} run director(y/ies) with no run: ${swept.strays.join(", ")}`);
  const report = await pruneRuns({ db: quire.db, reposDir: quire.paths.repos, runsDir: quire.paths.runs, retention: quire.config.retention });
  for (const w of report.warnings) quire.log(`retention: ${w}`);
  if (report.runs.length > 0) quire.log(`retention: pruned ${report.runs.length} run(s), ${report.bytes} bytes freed`);
}

/** Run a pass at start (in the background) and every RETENTION_INTERVAL_MS. */
export function attachRetention(quire: QuireHandle, options: { intervalMs?: number } = {}): void {
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = running
      .then(() => (quire.db.sqlite.open ? retentionPass(quire) : undefined))
      .catch((e: unknown) => quire.log(`retention: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
  };
  pass();
  const timer = setInterval(pass, options.intervalMs ?? RETENTION_INTERVAL_MS);
  timer.unref();
  quire.addCloser(async () => {
    clearInterval(timer);
    await running;
  });
}
