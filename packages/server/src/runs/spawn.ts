// The Process executor (SPEC §6): spawns the pipeline program for one run in
// its own process group (and PID namespace, see containment.ts), the server
// URL in the environment, the run token on a pipe (fd 3: never in the
// environment or argv, where the run's processes could read it), events and
// logs in the run directory, cwd the workspace (outside the data directory).
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Writable } from "node:stream";
import { ENV_INTERNAL_PREFIX, ENV_SERVER_URL, ENV_TOKEN_FD } from "@quire/shared";
import type { Containment } from "./containment.js";

/** The program a run executes; the server appends `--events FILE --out-dir DIR`. */
export interface ExecutorCommand {
  command: string;
  args?: string[];
}

/** Where one run's files live: `<runs>/<repo>/<run-id>/`. */
export interface RunDirs {
  runDir: string;
  workspace: string;
  eventsFile: string;
  logFile: string;
}

/**
 * The files of run `runId`: under `<runs>/<repo>/<run-id>/`, except the
 * workspace, which is `<workspacesDir>/<run-id>` when given.
 */
export function runDirs(runsDir: string, repo: string, runId: string, workspacesDir?: string): RunDirs {
  const runDir = path.join(runsDir, repo, runId);
  const rel = path.relative(runsDir, runDir);
  if (rel.startsWith("..") || path.isAbsolute(rel) || repo.split(/[\\/]/).includes("..")) {
    throw new RangeError(`repo name ${JSON.stringify(repo)} would leave the runs directory`);
  }
  return {
    runDir,
    workspace: workspacesDir === undefined ? path.join(runDir, "workspace") : path.join(workspacesDir, runId),
    eventsFile: path.join(runDir, "events.jsonl"),
    logFile: path.join(runDir, "quire-ci.log"),
  };
}

/** The real quire-ci: `node <@quire/ci>/dist/bin/quire-ci.js`, found through the package's bin entry. */
export function defaultExecutor(): ExecutorCommand {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve("@quire/ci/package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { bin?: Record<string, string> };
  const bin = pkg.bin?.["quire-ci"] ?? "./dist/bin/quire-ci.js";
  return { command: process.execPath, args: [path.join(path.dirname(pkgFile), bin)] };
}

export interface SpawnExecutorOptions {
  executor: ExecutorCommand;
  dirs: RunDirs;
  serverUrl: string;
  token: string;
  /** Base environment (default process.env); QUIRE__* entries in it are dropped. */
  env?: NodeJS.ProcessEnv;
  /** What holds the run's processes together (default: a process group only). */
  containment?: Containment;
}

/** The fd on which the executor reads its run token. */
const TOKEN_FD = 3;

/** Not passed to the executor: QUIRE__* (the contract's own) and where the data directory is. */
export function executorEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith(ENV_INTERNAL_PREFIX) && k !== "QUIRE_DATA_DIR") env[k] = v;
  return env;
}

/** Throw ENOENT when `command` names no executable file (a wrapper would only say so in the log). */
export function checkCommand(command: string, env: NodeJS.ProcessEnv): void {
  const candidates = command.includes("/") ? [command] : (env.PATH ?? "").split(path.delimiter).filter(Boolean).map((d) => path.join(d, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return;
    } catch {
      // Try the next.
    }
  }
  throw Object.assign(new Error(`spawn ${command} ENOENT: no such executable`), { code: "ENOENT" });
}

/** The process a launcher (runs/launchers/) makes of a run: spawnPlan starts it. */
export interface ProcessPlan {
  command: string;
  args: string[];
  cwd: string;
  /** Its whole environment; spawnPlan adds where the token is. */
  env: NodeJS.ProcessEnv;
}

/**
 * Start `plan` detached (its pid is its process group id), stdout and stderr
 * appended to `logFile`, the token written to its fd 3 and the pipe closed.
 * Errors such as a missing command arrive as the child's `error` event.
 */
export function spawnPlan(plan: ProcessPlan, options: { logFile: string; token: string }): ChildProcess {
  const env = { ...plan.env, [ENV_TOKEN_FD]: String(TOKEN_FD) };
  const log = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(plan.command, plan.args, { cwd: plan.cwd, env, detached: true, stdio: ["ignore", log, log, "pipe"] });
  } finally {
    closeSync(log); // the child holds its own copy
  }
  const tokenPipe = child.stdio[TOKEN_FD] as Writable | null;
  if (tokenPipe) {
    tokenPipe.on("error", () => undefined); // the executor never started or exited early: its exit says so
    tokenPipe.end(options.token + "\n");
  }
  return child;
}

/** Start the executor on the host as the local launcher does, without one (tests, tools): cwd the workspace. */
export function spawnExecutor(options: SpawnExecutorOptions): ChildProcess {
  const { dirs } = options;
  mkdirSync(dirs.runDir, { recursive: true });
  mkdirSync(dirs.workspace, { recursive: true });
  const env = { ...executorEnv(options.env ?? process.env), [ENV_SERVER_URL]: options.serverUrl };
  const prefix = options.containment?.prefix ?? [];
  if (prefix.length > 0) checkCommand(options.executor.command, env);
  const argv = [...prefix, options.executor.command, ...(options.executor.args ?? []), "--events", dirs.eventsFile, "--out-dir", dirs.runDir];
  return spawnPlan({ command: argv[0]!, args: argv.slice(1), cwd: dirs.workspace, env }, { logFile: dirs.logFile, token: options.token });
}
