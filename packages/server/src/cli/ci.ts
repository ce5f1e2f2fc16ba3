// `quire ci runs|show|cancel|retry` (declared in ./commands/ci.ts): CI status
// and control from a terminal.
// Reads quire.db directly (the server may be down). cancel asks a running
// server over <data>/server.sock first (it owns the executor), and works on
// the database itself otherwise; retry pokes the server so its queue reacts.
import { existsSync } from "node:fs";
import { parsePushOutputs } from "@quire/shared";
import { findRun, runLogs } from "../ci-status/queries.js";
import { cancelMessage, formatRunDetail, formatRuns, runDetailJson, runJson } from "../ci-status/format.js";
import { loadConfigFile } from "../config/load.js";
import { resolveServerConfig } from "../config/types.js";
import { listRuns } from "../db/queries.js";
import { jobOutputPath, loadRunView } from "../ci-status/run-view.js";
import { readLogFile, type LogLine } from "../runs/log-reader.js";
import { runningServer } from "../serve/published-url.js";
import { parseRepoName } from "../git/names.js";
import { sendToServer } from "../push/client.js";
import { publicBaseUrl, runUrl } from "../push/run-url.js";
import { cancelRun } from "../runs/cancel.js";
import { createRun } from "../runs/create.js";
import { supersededMessage } from "../runs/stop-messages.js";
import { serverUrlFor } from "../serve/start.js";
import type { CliContext, CommandRun } from "./context.js";
import { withDb, withRunDb } from "./with-db.js";

/** The web URL base for links: the running server's (serve.json), else config.fnl's, else the defaults. */
async function urlFor(ctx: CliContext): Promise<(repo: string, id: string) => string> {
  const running = runningServer(ctx.paths.serveInfo);
  if (running !== undefined) return (repo, id) => runUrl(running.base_url, { repo, id });
  let partial = {};
  try {
    partial = (await loadConfigFile(ctx.paths.config)).config;
  } catch {
    // A broken config.fnl is `quire serve`'s to report; links fall back to the defaults.
  }
  const config = resolveServerConfig(partial);
  const base = publicBaseUrl(config.host, serverUrlFor(config.bind, config.port));
  return (repo, id) => runUrl(base, { repo, id });
}

async function poke(ctx: CliContext, request: { type: "wake" }): Promise<boolean> {
  const result = await sendToServer(ctx.paths.socket, request, 3000);
  return result.status === "answered" && result.reply.ok;
}

/** `quire ci runs [REPO] [--json] [--limit N]`. */
export const ciRuns: CommandRun = async (ctx) => {
  const json = ctx.input.flag("json");
  const limit = ctx.input.int("limit")!;
  const given = ctx.input.arg("repo");
  const repo = given === undefined ? undefined : parseRepoName(given).name;
  if (!existsSync(ctx.paths.db)) {
    ctx.stdout.write(json ? "[]\n" : "");
    if (!json) ctx.stderr.write(`no runs yet (no database at ${ctx.paths.db})\n`);
    return 0;
  }
  return withDb(ctx, async (db) => {
    const rows = listRuns(db, { ...(repo === undefined ? {} : { repo }), limit });
    if (json) ctx.stdout.write(JSON.stringify(rows.map(runJson)) + "\n");
    else if (rows.length === 0) ctx.stderr.write(`no runs${repo ? ` for ${repo}` : ""} yet\n`);
    else ctx.stdout.write(formatRuns(rows));
    return 0;
  });
};

/** `quire ci show RUN [--json]`. */
export const ciShow: CommandRun = async (ctx) => {
  const json = ctx.input.flag("json");
  const url = await urlFor(ctx);
  return withRunDb(ctx, ctx.input.arg("run")!, async (db) => {
    const run = findRun(db, ctx.input.arg("run")!);
    const view = loadRunView(db, ctx.paths.runs, run);
    const outputs = new Map<string, LogLine[]>();
    for (const job of view.jobs) {
      const file = jobOutputPath(view.runDir, job.jobId);
      if (file !== null && existsSync(file)) outputs.set(job.jobId, await readLogFile(file));
    }
    const detail = { view, outputs, logs: runLogs(ctx.paths.runs, run), url: url(run.repo, run.id) };
    ctx.stdout.write(json ? JSON.stringify(runDetailJson(detail)) + "\n" : formatRunDetail(detail));
    return 0;
  });
};

/** `quire ci cancel RUN`. */
export const ciCancel: CommandRun = async (ctx) => {
  return withRunDb(ctx, ctx.input.arg("run")!, async (db) => {
    const run = findRun(db, ctx.input.arg("run")!);
    // A running server stops its own child and reaps it at once.
    const asked = await sendToServer(ctx.paths.socket, { type: "cancel", run_id: run.id }, 30_000);
    if (asked.status === "answered") {
      if (!asked.reply.ok) {
        ctx.stderr.write(`quire ci: the server could not cancel run ${run.id}: ${asked.reply.error}\n`);
        return 1;
      }
      ctx.stdout.write(`${asked.reply.message ?? `cancelled run ${run.id}`}\n`);
      return 0;
    }
    // No server: the executor's process group is in the row, and stopping it works from here too.
    const { stopped, done } = cancelRun(db, run.id);
    await done;
    ctx.stdout.write(`${cancelMessage(findRun(db, run.id), stopped)}\n`);
    return 0;
  });
};

/** `quire ci retry RUN`. */
export const ciRetry: CommandRun = async (ctx) => {
  const url = await urlFor(ctx);
  return withRunDb(ctx, ctx.input.arg("run")!, async (db) => {
    const old = findRun(db, ctx.input.arg("run")!);
    const push = parsePushOutputs(JSON.parse(old.pushJson));
    const { run, superseded, stopped } = createRun(db, { repo: old.repo, ref: old.ref, sha: old.sha, push });
    await stopped;
    const up = await poke(ctx, { type: "wake" });
    ctx.stdout.write(`run ${run.id} queued for ${run.ref} at ${run.sha.slice(0, 12)} (retry of ${old.id}): ${url(run.repo, run.id)}\n`);
    for (const s of superseded) ctx.stdout.write(`${supersededMessage(s)}\n`);
    if (!up) ctx.stderr.write("quire: warning: the server is not running; the run starts when `quire serve` does\n");
    return 0;
  });
};
