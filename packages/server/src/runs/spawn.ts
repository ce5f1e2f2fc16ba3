// The Process executor (SPEC §6): spawns the pipeline program for one run in
// its own process group, with the server URL and run token in the
// environment only, events and logs in the run directory, cwd the workspace.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ENV_INTERNAL_PREFIX, ENV_RUN_TOKEN, ENV_SERVER_URL } from "@quire/shared";

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

export function runDirs(runsDir: string, repo: string, runId: string): RunDirs {
  const runDir = path.join(runsDir, repo, runId);
  const rel = path.relative(runsDir, runDir);
  if (rel.startsWith("..") || path.isAbsolute(rel) || repo.split(/[\\/]/).includes("..")) {
    throw new RangeError(`repo name ${JSON.stringify(repo)} would leave the runs directory`);
  }
  return {
    runDir,
    workspace: path.join(runDir, "workspace"),
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
}

/**
 * Start the executor detached (its pid is its process group id), stdout and
 * stderr appended to quire-ci.log. Errors such as a missing command arrive
 * as the child's `error` event.
 */
export function spawnExecutor(options: SpawnExecutorOptions): ChildProcess {
  const { dirs } = options;
  mkdirSync(dirs.workspace, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(options.env ?? process.env)) if (!k.startsWith(ENV_INTERNAL_PREFIX)) env[k] = v;
  env[ENV_SERVER_URL] = options.serverUrl;
  env[ENV_RUN_TOKEN] = options.token;
  const log = openSync(dirs.logFile, "a");
  try {
    return spawn(
      options.executor.command,
      [...(options.executor.args ?? []), "--events", dirs.eventsFile, "--out-dir", dirs.runDir],
      { cwd: dirs.workspace, env, detached: true, stdio: ["ignore", log, log] },
    );
  } finally {
    closeSync(log); // the child holds its own copy
  }
}
