// `quire ci runs|show|cancel|retry`: CI status and control from a terminal.
// Reads quire.db directly (the server may be down). cancel asks a running
// server over <data>/server.sock first (it owns the executor), and works on
// the database itself otherwise; retry pokes the server so its queue reacts.
import { existsSync } from "node:fs";
import { parsePushOutputs } from "@quire/shared";
import { findRun, runLogs } from "../ci-status/queries.js";
import { cancelMessage, formatRunDetail, formatRuns, runDetailJson, runJson } from "../ci-status/format.js";
import { loadConfigFile } from "../config/load.js";
import { resolveServerConfig } from "../config/types.js";
import { openDatabase, type Db } from "../db/open.js";
import { listJobs, listRuns, listShEvents } from "../db/queries.js";
import { RunNotFoundError } from "../errors.js";
import { parseRepoName } from "../git/names.js";
import { RepoNameError } from "../git/errors.js";
import { sendToServer } from "../push/client.js";
import { publicBaseUrl, runUrl } from "../push/run-url.js";
import { cancelRun } from "../runs/cancel.js";
import { createRun } from "../runs/create.js";
import { serverUrlFor } from "../serve/start.js";
import { UsageError, type CliContext, type Command } from "./context.js";

const USAGE = "usage: quire ci runs [REPO] [--json] [--limit N] | show RUN [--json] | cancel RUN | retry RUN";

function flags(args: string[], allowed: string[]): { positional: string[]; json: boolean; limit: number } {
  const positional: string[] = [];
  let json = false;
  let limit = 20;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json" && allowed.includes(a)) json = true;
    else if (a === "--limit" && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--limit needs a whole number ≥ 1, got ${JSON.stringify(v ?? "")}`);
      limit = Number(v);
    } else if (a.startsWith("-")) throw new UsageError(`unknown option ${JSON.stringify(a)}\n${USAGE}`);
    else positional.push(a);
  }
  return { positional, json, limit };
}

/** The web URL base for links, from config.fnl when it loads, else the defaults. */
async function urlFor(ctx: CliContext): Promise<(repo: string, id: string) => string> {
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

async function withDb<T>(ctx: CliContext, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(ctx.paths.db);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

async function runs(ctx: CliContext, args: string[]): Promise<number> {
  const { positional, json, limit } = flags(args, ["--json", "--limit"]);
  if (positional.length > 1) throw new UsageError(`quire ci runs takes at most one repository\n${USAGE}`);
  const repo = positional[0] === undefined ? undefined : parseRepoName(positional[0]).name;
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
}

async function show(ctx: CliContext, args: string[]): Promise<number> {
  const { positional, json } = flags(args, ["--json"]);
  if (positional.length !== 1) throw new UsageError(`quire ci show takes one run id\n${USAGE}`);
  const url = await urlFor(ctx);
  return withDb(ctx, async (db) => {
    const run = findRun(db, positional[0]!);
    const detail = { run, jobs: listJobs(db, run.id), sh: listShEvents(db, run.id), logs: runLogs(ctx.paths.runs, run), url: url(run.repo, run.id) };
    ctx.stdout.write(json ? JSON.stringify(runDetailJson(detail)) + "\n" : formatRunDetail(detail));
    return 0;
  });
}

async function cancel(ctx: CliContext, args: string[]): Promise<number> {
  const { positional } = flags(args, []);
  if (positional.length !== 1) throw new UsageError(`quire ci cancel takes one run id\n${USAGE}`);
  return withDb(ctx, async (db) => {
    const run = findRun(db, positional[0]!);
    // A running server stops its own child and reaps it at once.
    const asked = await sendToServer(ctx.paths.socket, { type: "cancel", run_id: run.id }, 30_000);
    if (asked.status === "answered") {
      if (!asked.reply.ok) {
        ctx.stderr.write(`quire ci: the server could not cancel run ${run.id}: ${asked.reply.error}\n`);
        return 1;
      }
      ctx.stdout.write(`${asked.reply.message ?? cancelMessage(run, "?")}\n`);
      return 0;
    }
    // No server: the executor's process group is in the row, and stopping it works from here too.
    const { stopped, done } = cancelRun(db, run.id);
    await done;
    ctx.stdout.write(`${cancelMessage(findRun(db, run.id), stopped?.from)}\n`);
    return 0;
  });
}

async function retry(ctx: CliContext, args: string[]): Promise<number> {
  const { positional } = flags(args, []);
  if (positional.length !== 1) throw new UsageError(`quire ci retry takes one run id\n${USAGE}`);
  const url = await urlFor(ctx);
  return withDb(ctx, async (db) => {
    const old = findRun(db, positional[0]!);
    const push = parsePushOutputs(JSON.parse(old.pushJson));
    const { run, superseded, stopped } = createRun(db, { repo: old.repo, ref: old.ref, sha: old.sha, push });
    await stopped;
    const up = await poke(ctx, { type: "wake" });
    ctx.stdout.write(`run ${run.id} queued for ${run.ref} at ${run.sha.slice(0, 12)} (retry of ${old.id}): ${url(run.repo, run.id)}\n`);
    for (const s of superseded) ctx.stdout.write(`run ${s.id} superseded (was ${s.from})\n`);
    if (!up) ctx.stderr.write("quire: warning: the server is not running; the run starts when `quire serve` does\n");
    return 0;
  });
}

export const ciCommand: Command = async (ctx) => {
  const [sub, ...args] = ctx.args;
  try {
    switch (sub) {
      case "runs":
        return await runs(ctx, args);
      case "show":
        return await show(ctx, args);
      case "cancel":
        return await cancel(ctx, args);
      case "retry":
        return await retry(ctx, args);
      case undefined:
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown ci subcommand ${JSON.stringify(sub)}\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof RunNotFoundError || e instanceof RepoNameError) {
      ctx.stderr.write(`quire ci: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
};
