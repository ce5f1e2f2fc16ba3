// The run queue (SPEC §7): SQLite is the queue. Routes each new run to a
// launcher (launchers/route.ts); takes the oldest pending run of a host
// launcher while fewer than maxConcurrentRuns are running, prepares its
// workspace, starts it through its launcher, watches its limits, waits for its
// exit and applies the outcome rule. Remote runs are left to runners. Also
// drives the watchdog. Tolerates runs made terminal behind its back.
import { stmt } from "../db/statements.js";
import type { ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import { isTerminalRunState } from "@quire/shared";
import type { Db } from "../db/open.js";
import { getRun, nextPendingRuns, nextUnroutedRun } from "../db/queries.js";
import type { RunRow } from "../db/schema.js";
import { InvalidTransitionError } from "../errors.js";
import { killProcessGroup } from "./process-group.js";
import { processIdentity } from "./process-identity.js";
import { resolveAfterExit, type ExitStatus, type Resolution } from "./outcome.js";
import { probeContainment, type Containment } from "./containment.js";
import { logTextSince, type HostLauncher, type HostLauncherName } from "./launchers/launcher.js";
import type { LimitHit } from "./launchers/limits.js";
import { localLauncher } from "./launchers/local.js";
import type { RunRoute } from "./launchers/route.js";
import { defaultExecutor, executorEnv, runDirs, spawnPlan, type ExecutorCommand, type RunDirs } from "./spawn.js";
import { hashRunToken, newRunToken } from "./tokens.js";
import { transitionRun } from "./transition.js";
import { enforceRunTimeout } from "./watchdog.js";
import { retryWhileUnwritable, storageErrorCode } from "../db/writable.js";

/** Fills `dirs.workspace` for `run` (e.g. `git archive`); throwing fails the run as prepare-failed. */
export type PrepareRun = (run: RunRow, dirs: RunDirs) => Promise<void>;

export interface RunQueueOptions {
  db: Db;
  /** `<data>/runs`. */
  runsDir: string;
  /** Where workspaces go (`<dir>/<run-id>`); default `<run dir>/workspace`. */
  workspacesDir?: string;
  /** What holds a run's processes together; default: the best this machine allows (containment.ts). */
  containment?: Containment;
  /** Base URL quire-ci reaches the HTTP API at; a function when the port is known late. */
  serverUrl: string | (() => string);
  /** Default: the real quire-ci (see defaultExecutor). */
  executor?: ExecutorCommand;
  maxConcurrentRuns?: number;
  prepare?: PrepareRun;
  /** :run-timeout in ms (default 3600 s). */
  runTimeoutMs?: number;
  /** TERM→KILL grace when stopping an executor (default 5000 ms). */
  killGraceMs?: number;
  /** Fallback poll for runs created by another process (default 1000 ms). */
  pollMs?: number;
  /** Watchdog period (default 1000 ms). */
  watchdogMs?: number;
  /** Keep finished runs' workspaces (default false: removed, logs stay). */
  keepWorkspaces?: boolean;
  /** Where each new run goes (launchers/route.ts); default: the local launcher. */
  route?: (run: RunRow) => Promise<RunRoute>;
  /** The host launcher named `name`; default: local only. */
  hostLauncher?: (name: HostLauncherName) => HostLauncher;
  /** Told of each run routed to runners on other hosts. */
  onRemote?: (runId: string) => void;
  /** Called after each run this queue executed is resolved. */
  onResolved?: (runId: string, resolution: Resolution) => void;
  log?: (line: string) => void;
}

export interface RunQueue {
  /** Look for pending runs now (call after createRun). */
  wake(): void;
  /** Ids of runs this queue is executing (preparing or spawned). */
  running(): string[];
  /** Resolves when nothing is running and no pending run is waiting. */
  idle(): Promise<void>;
  /**
   * Stop taking runs, kill running executors and wait for them. Their runs
   * become failed/orphaned (active) or stay queued (pending, reset).
   */
  stop(): Promise<void>;
}

interface Slot {
  runId: string;
  child?: ChildProcess;
  pid?: number;
  done: Promise<void>;
}

/**
 * Record that run `runId` got an executor: its pid (= process group) and the
 * hash of its token. False when the run is no longer a pending run without
 * an executor (superseded meanwhile): the caller must kill the process.
 */
export function recordSpawn(db: Db, runId: string, pid: number, token: string, nowMs: number = Date.now()): boolean {
  return (
    stmt(db.sqlite, "UPDATE runs SET pid = ?, pid_identity = ?, spawned_at_ms = MAX(?, queued_at_ms), token_hash = ? WHERE id = ? AND state = 'pending' AND pid IS NULL")
      .run(pid, processIdentity(pid), nowMs, hashRunToken(token), runId).changes === 1
  );
}

/** Start the queue runner; it looks for work at once. */
export function startRunQueue(options: RunQueueOptions): RunQueue {
  const { db } = options;
  const max = options.maxConcurrentRuns ?? 1;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrentRuns must be a whole number ≥ 1, got ${max}`);
  const executor = options.executor ?? defaultExecutor();
  const containment = options.containment ?? probeContainment();
  const runTimeoutMs = options.runTimeoutMs ?? 3_600_000;
  const killGraceMs = options.killGraceMs ?? 5000;
  const log = options.log ?? (() => {});
  const slots = new Map<string, Slot>();
  let stopping = false;
  let idleWaiters: (() => void)[] = [];
  /** While the database cannot be written, new runs wait until this time (ms). */
  let holdUntil = 0;
  /**
   * Runs that ended but whose outcome waits for the database to take a write.
   * While there are any, no run starts: a new run's logs would take the room
   * freed on the disk before their outcomes are recorded, and leave them active.
   */
  let resolutionsWaiting = 0;
  const holdForStorage = (e: unknown): boolean => {
    const code = storageErrorCode(e);
    if (code === undefined) return false;
    if (Date.now() >= holdUntil) log(`the database cannot be written (${code}); new runs wait until it can`);
    holdUntil = Date.now() + 2000;
    return true;
  };
  const local = localLauncher({ prefix: containment.prefix });
  const hostLauncher = options.hostLauncher ?? (() => local);
  const route = options.route ?? (async (): Promise<RunRoute> => ({ launcher: "local", runsOn: [], notes: [] }));
  let routing = false;

  const serverUrl = () => (typeof options.serverUrl === "function" ? options.serverUrl() : options.serverUrl);

  function checkIdle(): void {
    if (slots.size > 0 || routing || idleWaiters.length === 0) return;
    if (!stopping && (nextPendingRuns(db, 1).length > 0 || nextUnroutedRun(db) !== undefined)) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Route every pending run that has no launcher yet, oldest first, one at a time. */
  async function routePending(): Promise<void> {
    routing = true;
    try {
      for (let run = nextUnroutedRun(db); run !== undefined && !stopping && db.sqlite.open; run = nextUnroutedRun(db)) {
        let chosen: RunRoute;
        try {
          chosen = await route(run);
        } catch (e) {
          chosen = { launcher: "local", runsOn: [], notes: [`could not route the run (${(e as Error).message})`] };
        }
        if (stopping || !db.sqlite.open) break;
        const routed = stmt(db.sqlite, "UPDATE runs SET launcher = ?, runs_on_json = ? WHERE id = ? AND launcher IS NULL")
          .run(chosen.launcher, JSON.stringify(chosen.runsOn), run.id).changes === 1;
        if (!routed) continue;
        if (chosen.notes.length > 0) {
          const dirs = runDirs(options.runsDir, run.repo, run.id);
          mkdirSync(dirs.runDir, { recursive: true });
          appendFileSync(dirs.logFile, chosen.notes.map((n) => `quire serve: ${n}\n`).join(""));
          for (const n of chosen.notes) log(`run ${run.id}: ${n}`);
        }
        if (chosen.launcher === "remote") {
          log(`run ${run.id}: waits for a runner${chosen.runsOn.length > 0 ? ` labelled ${chosen.runsOn.join(", ")}` : ""}`);
          options.onRemote?.(run.id);
        }
      }
    } finally {
      routing = false;
    }
  }

  function tick(): void {
    if (stopping || !db.sqlite.open || Date.now() < holdUntil || resolutionsWaiting > 0) return;
    if (!routing && nextUnroutedRun(db) !== undefined) {
      void routePending()
        .catch((e: unknown) => log(`routing: ${e instanceof Error ? e.message : String(e)}`))
        .finally(tick);
    }
    const free = max - slots.size;
    if (free > 0) {
      const candidates = nextPendingRuns(db, free + slots.size).filter((r) => !slots.has(r.id));
      for (const run of candidates.slice(0, free)) {
        const slot: Slot = { runId: run.id, done: Promise.resolve() };
        slots.set(run.id, slot);
        slot.done = execute(run, slot)
          .catch((e: unknown) => {
            if (!holdForStorage(e)) log(`run ${run.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          })
          .finally(() => {
            slots.delete(run.id);
            tick();
          });
      }
    }
    checkIdle();
  }

  async function execute(run: RunRow, slot: Slot): Promise<void> {
    const dirs = runDirs(options.runsDir, run.repo, run.id, options.workspacesDir);
    try {
      mkdirSync(dirs.runDir, { recursive: true });
      mkdirSync(dirs.workspace, { recursive: true });
      if (options.prepare !== undefined) await options.prepare(run, dirs);
    } catch (e) {
      failPending(run.id, "prepare-failed", `could not prepare the workspace: ${e instanceof Error ? e.message : String(e)}`);
      return removeWorkspace(dirs); // half a workspace helps nobody
    }
    if (stopping || getRun(db, run.id)?.state !== "pending") return removeWorkspace(dirs);

    const launcher = hostLauncher(run.launcher === "bwrap" ? "bwrap" : "local");
    let plan;
    try {
      plan = launcher.plan({ runId: run.id, executor, dirs, serverUrl: serverUrl(), env: executorEnv() });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" && (e as Error).message.startsWith("spawn ")) failPending(run.id, "process-crashed", `could not start quire-ci: ${(e as Error).message}`);
      else failPending(run.id, "prepare-failed", `the ${launcher.name} launcher could not prepare the run: ${e instanceof Error ? e.message : String(e)}`);
      return removeWorkspace(dirs);
    }
    const { guard } = plan;
    appendFileSync(dirs.logFile, `quire serve: ${plan.note}\n`);
    const logOffset = statSync(dirs.logFile).size;
    const token = newRunToken(run.id);
    let child: ChildProcess;
    try {
      child = spawnPlan(plan, { logFile: dirs.logFile, token });
    } catch (e) {
      failPending(run.id, "process-crashed", `could not start quire-ci: ${(e as Error).message}`);
      await guard.release();
      return removeWorkspace(dirs);
    }
    const exited = new Promise<ExitStatus | Error>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
      child.once("error", (e) => resolve(e));
    });
    const pid = child.pid;
    if (pid === undefined) {
      const e = await exited;
      failPending(run.id, "process-crashed", `could not start quire-ci (${plan.command}): ${(e as Error).message ?? e}`);
      await guard.release();
      return removeWorkspace(dirs);
    }
    slot.child = child;
    slot.pid = pid;
    // Same tick as the spawn: the child cannot reach bootstrap before its token is stored.
    let recorded: boolean;
    try {
      recorded = recordSpawn(db, run.id, pid, token);
    } catch (e) {
      // Not recorded, so not ours to run: stop it; the run stays pending for a later try.
      await killProcessGroup(pid, { graceMs: 0 });
      await guard.release();
      removeWorkspace(dirs);
      throw e;
    }
    if (!recorded) void killProcessGroup(pid, { graceMs: 0 });
    log(`run ${run.id}: started quire-ci (pid ${pid}) for ${run.repo} ${run.ref} ${run.sha.slice(0, 12)}`);

    // A limit the kernel does not enforce by itself (CPU time) is watched here: going over it stops the run.
    let limitHit: LimitHit | undefined;
    const limitPoll = setInterval(() => {
      limitHit ??= guard.check();
      if (limitHit !== undefined) void killProcessGroup(pid, { graceMs: 0 });
    }, options.watchdogMs ?? 1000);
    let status = await exited;
    clearInterval(limitPoll);
    if (status instanceof Error) status = { code: null, signal: "SIGKILL" };
    // Reap what the executor left behind in its group before reading its record.
    await killProcessGroup(pid, { graceMs: Math.min(killGraceMs, 1000) });
    limitHit ??= guard.check(status);
    const said = status.code === 0 ? undefined : launcher.setupFailure(logTextSince(dirs.logFile, logOffset));
    const setupFailure = said === undefined ? undefined : `the sandbox could not start: ${said}`;
    await guard.release();

    if (stopping) {
      onStopped(run.id, pid);
    } else {
      const exit = status;
      // A full or read-only database: keep trying, so the run resolves as soon as it can be written; no run starts meanwhile.
      let waiting = false;
      const resolution = await retryWhileUnwritable(() => resolveAfterExit(db, run.id, exit, { eventsFile: dirs.eventsFile, limitHit, setupFailure }), {
        onWait: (code, attempt) => {
          if (attempt > 1) return;
          log(`run ${run.id}: cannot record how it ended yet (${code}); trying again until the database can be written; no run starts meanwhile`);
          waiting = true;
          resolutionsWaiting++;
        },
        shouldStop: () => stopping,
      }).finally(() => {
        if (waiting) resolutionsWaiting--;
      });
      if (resolution === undefined) return removeWorkspace(dirs); // the next start resolves it from events.jsonl
      const problems = (resolution.ingest?.problems ?? []).map((p) => `events.jsonl line ${p.line}: ${p.message}`);
      for (const p of problems) log(`run ${run.id}: ${p}`);
      // Also in the run's own log, where `quire ci show` and the web view look.
      if (problems.length > 0) appendFileSync(dirs.logFile, problems.map((p) => `quire serve: ${p}\n`).join(""));
      log(`run ${run.id}: ${resolution.state}${resolution.failureKind ? `/${resolution.failureKind}` : ""}`);
      options.onResolved?.(run.id, resolution);
    }
    removeWorkspace(dirs);
  }

  function failPending(runId: string, failureKind: string, error: string): void {
    try {
      transitionRun(db, runId, "pending", "failed", { failureKind, error });
      log(`run ${runId}: failed/${failureKind}: ${error}`);
    } catch (e) {
      if (!(e instanceof InvalidTransitionError)) throw e; // superseded meanwhile
    }
  }

  function onStopped(runId: string, pid: number): void {
    const run = getRun(db, runId);
    if (run === undefined) return;
    if (run.state === "pending") {
      stmt(db.sqlite, "UPDATE runs SET pid = NULL, pid_identity = NULL, spawned_at_ms = NULL, token_hash = NULL WHERE id = ? AND pid = ?").run(runId, pid);
    } else {
      stmt(db.sqlite, "UPDATE runs SET pid = NULL, pid_identity = NULL WHERE id = ? AND pid = ?").run(runId, pid);
      if (!isTerminalRunState(run.state)) {
        try {
          transitionRun(db, runId, "active", "failed", { failureKind: "orphaned", error: "quire serve stopped while the run was active" });
        } catch (e) {
          if (!(e instanceof InvalidTransitionError)) throw e;
        }
      }
    }
  }

  function removeWorkspace(dirs: RunDirs): void {
    if (options.keepWorkspaces) return;
    rmSync(dirs.workspace, { recursive: true, force: true });
  }

  function watchdog(): void {
    if (stopping || !db.sqlite.open) return;
    try {
      const { timedOut, stopped } = enforceRunTimeout(db, { runTimeoutMs, killGraceMs });
      for (const r of timedOut) log(`run ${r.id}: failed/timed-out`);
      void stopped;
    } catch (e) {
      // The next tick tries again; a database that cannot be written must not take the server down.
      if (!holdForStorage(e)) log(`watchdog: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const pollTimer = setInterval(tick, options.pollMs ?? 1000);
  const watchdogTimer = setInterval(watchdog, options.watchdogMs ?? 1000);
  pollTimer.unref();
  watchdogTimer.unref();
  queueMicrotask(tick);

  return {
    wake: () => queueMicrotask(tick),
    running: () => [...slots.keys()],
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        queueMicrotask(tick);
      }),
    stop: async () => {
      stopping = true;
      clearInterval(pollTimer);
      clearInterval(watchdogTimer);
      const pending = [...slots.values()];
      await Promise.all(pending.map((s) => (s.pid !== undefined ? killProcessGroup(s.pid, { graceMs: killGraceMs }) : undefined)));
      await Promise.all(pending.map((s) => s.done));
      checkIdle();
    },
  };
}
