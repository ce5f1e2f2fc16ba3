// `quire runner new|list|remove|start` (declared in ./commands/runner.ts):
// registering runners on the server's data directory, and the agent that
// runs on another host (runners/agent/). Token rules live in runners/registry.ts.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isRunnerLabel } from "@quire/shared";
import { openDatabase, type Db } from "../db/open.js";
import { startAgent } from "../runners/agent/agent.js";
import { heldRuns } from "../runners/claims.js";
import { createRunner, listRunners, removeRunner, RunnerNameError } from "../runners/registry.js";
import { onPath } from "../runs/launchers/bwrap-args.js";
import { UsageError, type CommandRun, type CliContext } from "./context.js";

function withDb<T>(ctx: CliContext, fn: (db: Db) => T): T {
  const db = openDatabase(ctx.paths.db);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** What a runner name error says, as a command's failure. */
function refused(ctx: CliContext, e: unknown): number {
  if (!(e instanceof RunnerNameError)) throw e;
  ctx.stderr.write(`quire runner: ${e.message}\n`);
  return 1;
}

/** `quire runner new NAME [--max-concurrent-runs N] [--json]`. */
export const runnerNew: CommandRun = async (ctx) => {
  const name = ctx.input.arg("name")!;
  const max = ctx.input.int("max-concurrent-runs")!;
  let token: string;
  try {
    token = withDb(ctx, (db) => createRunner(db, name, { maxConcurrentRuns: max }));
  } catch (e) {
    return refused(ctx, e);
  }
  if (ctx.input.flag("json")) {
    ctx.stdout.write(JSON.stringify({ name, token, max_concurrent_runs: max }) + "\n");
    return 0;
  }
  ctx.stdout.write(
    `runner ${name} registered (up to ${max} run(s) at once). Its token, shown this once (only its hash is kept):\n${token}\n` +
      `On the runner's host, put it in a file only the agent can read, then:\n` +
      `  quire runner start --server URL-OF-THIS-SERVER --token-file FILE\n`,
  );
  return 0;
};

/** `quire runner list [--json]`. */
export const runnerList: CommandRun = async (ctx) => {
  const rows = withDb(ctx, (db) => listRunners(db).map((r) => ({ r, held: heldRuns(db, r.name).map((run) => run.id) })));
  if (ctx.input.flag("json")) {
    const out = rows.map(({ r, held }) => ({
      name: r.name,
      labels: JSON.parse(r.labelsJson) as string[],
      max_concurrent_runs: r.maxConcurrentRuns,
      created_at_ms: r.createdAtMs,
      last_seen_at_ms: r.lastSeenAtMs,
      agent_id: r.agentId,
      held,
    }));
    ctx.stdout.write(JSON.stringify(out) + "\n");
    return 0;
  }
  if (rows.length === 0) {
    ctx.stderr.write("no runners; register one with `quire runner new NAME`\n");
    return 0;
  }
  const now = Date.now();
  for (const { r, held } of rows) {
    const seen = r.lastSeenAtMs === null ? "never connected" : `last heard from ${Math.round((now - r.lastSeenAtMs) / 1000)} s ago`;
    const labels = (JSON.parse(r.labelsJson) as string[]).join(",") || "-";
    ctx.stdout.write(`${r.name}\t${labels}\t${seen}\t${held.length}/${r.maxConcurrentRuns} runs${held.length > 0 ? ` (${held.join(", ")})` : ""}\n`);
  }
  return 0;
};

/** `quire runner remove NAME`. */
export const runnerRemove: CommandRun = async (ctx) => {
  const name = ctx.input.arg("name")!;
  try {
    withDb(ctx, (db) => removeRunner(db, name));
  } catch (e) {
    return refused(ctx, e);
  }
  ctx.stdout.write(`removed runner ${name}; its token no longer works, and runs it held are given up within the runner timeout\n`);
  return 0;
};

/** This host's OS and CPU as labels: linux, amd64 / arm64 / …. */
export function hostLabels(): string[] {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return [process.platform, arch];
}

function readToken(ctx: CliContext): string {
  const file = ctx.input.string("token-file");
  let token = ctx.env.QUIRE_RUNNER_TOKEN;
  if (file !== undefined) {
    try {
      token = readFileSync(path.resolve(ctx.cwd, file), "utf8").trim();
    } catch (e) {
      throw new UsageError(`cannot read the runner token from ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (token === undefined || token.trim() === "") {
    throw new UsageError("no runner token: pass --token-file FILE or set QUIRE_RUNNER_TOKEN (from `quire runner new NAME` on the server)");
  }
  return token.trim();
}

/** `quire runner start --server URL [--token-file FILE] [--labels A,B] [--work-dir DIR] [--launcher bwrap|local]`. */
export const runnerStart: CommandRun = async (ctx) => {
  const server = ctx.input.string("server");
  if (server === undefined || !/^https?:\/\/[^/]+/.test(server)) throw new UsageError("--server URL is required, e.g. --server https://git.example.org");
  const token = readToken(ctx);
  const extra = (ctx.input.string("labels") ?? "").split(",").map((l) => l.trim()).filter((l) => l !== "");
  const bad = extra.find((l) => !isRunnerLabel(l));
  if (bad !== undefined) throw new UsageError(`--labels: ${JSON.stringify(bad)} is not a label: use lowercase letters, digits, '.', '_' or '-', e.g. arm64`);
  const launcher = ctx.input.string("launcher") ?? (onPath("bwrap", ctx.env.PATH) ? "bwrap" : "local");
  if (launcher !== "bwrap" && launcher !== "local") throw new UsageError(`--launcher must be bwrap or local, got ${JSON.stringify(launcher)}`);
  const workDir = path.resolve(ctx.cwd, ctx.input.string("work-dir") ?? path.join(os.tmpdir(), `quire-runner-${process.getuid?.() ?? "user"}`));
  const log = (line: string) => ctx.stderr.write(`quire runner: ${line}\n`);
  const agent = await startAgent({
    serverUrl: server.replace(/\/+$/, ""),
    token,
    labels: [...new Set([...hostLabels(), ...extra])],
    workDir,
    launcher,
    sandboxUser: ctx.input.string("sandbox-user"),
    log,
  });
  ctx.stdout.write(`quire runner: ${agent.hello.runner} is running as agent ${agent.agentId} against ${server}\n`);
  const stop = () => void agent.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await agent.done;
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  log("stopped");
  return 0;
};
