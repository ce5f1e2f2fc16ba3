// `quire ci prune [--dry-run] [--json]` (declared in ./commands/ci.ts): apply
// the :retention policy now, from the terminal; the server does the same at
// start and daily (retention/attach.ts).
import { existsSync } from "node:fs";
import { when } from "../ci-status/format.js";
import { ConfigFileError, loadConfigFile } from "../config/load.js";
import { resolveServerConfig } from "../config/types.js";
import { openDatabase } from "../db/open.js";
import { pruneRuns } from "../retention/prune.js";
import { sweepWorkspaces } from "../retention/workspaces.js";
import { defaultWorkspacesDir } from "../runs/workspaces.js";
import type { CommandRun } from "./context.js";

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** `quire ci prune [--dry-run] [--json]`. */
export const ciPrune: CommandRun = async (ctx) => {
  const json = ctx.input.flag("json");
  const dryRun = ctx.input.flag("dry-run");
  let config;
  try {
    config = resolveServerConfig((await loadConfigFile(ctx.paths.config)).config);
  } catch (e) {
    if (!(e instanceof ConfigFileError)) throw e;
    ctx.stderr.write(`quire ci prune: ${e.message}\n`);
    return 1;
  }
  if (!existsSync(ctx.paths.db)) {
    ctx.stdout.write(json ? JSON.stringify({ dry_run: dryRun, runs: [], bytes: 0 }) + "\n" : "");
    if (!json) ctx.stderr.write(`no runs yet (no database at ${ctx.paths.db})\n`);
    return 0;
  }
  const db = openDatabase(ctx.paths.db);
  try {
    if (!dryRun) sweepWorkspaces(db, ctx.paths.runs, config.workspacesDir ?? defaultWorkspacesDir());
    const report = await pruneRuns({ db, reposDir: ctx.paths.repos, runsDir: ctx.paths.runs, retention: config.retention, dryRun });
    for (const w of report.warnings) ctx.stderr.write(`quire: warning: ${w}\n`);
    if (json) {
      const runs = report.runs.map((r) => ({ id: r.id, repo: r.repo, ref: r.ref, state: r.state, queued_at_ms: r.queuedAtMs, finished_at_ms: r.finishedAtMs, reason: r.reason, bytes: r.bytes }));
      ctx.stdout.write(JSON.stringify({ dry_run: dryRun, runs, bytes: report.bytes }) + "\n");
      return 0;
    }
    for (const r of report.runs) ctx.stdout.write(`${r.id.slice(0, 12)}  ${r.repo}  ${r.ref}  ${r.state}  ${when(r.finishedAtMs)}  ${bytes(r.bytes)}  ${r.reason}\n`);
    const verb = dryRun ? "would prune" : "pruned";
    ctx.stdout.write(`${verb} ${report.runs.length} run(s), ${dryRun ? "freeing" : "freed"} ${bytes(report.bytes)}\n`);
    return 0;
  } finally {
    db.close();
  }
};
