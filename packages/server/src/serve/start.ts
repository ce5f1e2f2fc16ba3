// Composition of a running quire: open the database (migrations applied),
// reconcile orphans, start the HTTP server, then the run queue. Further
// listeners (the push socket, …) plug in through `listeners` or addCloser.
import { mkdirSync } from "node:fs";
import { chmod, unlink } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import { resolveServerConfig, type ServerConfig } from "../config/types.js";
import { dataPaths, type DataPaths } from "../config/data-dir.js";
import { openDatabase, type Db } from "../db/open.js";
import { createApp } from "../http/app.js";
import { getRun } from "../db/queries.js";
import { createRun, type CreateRunInput, type CreatedRun } from "../runs/create.js";
import { reconcileOrphans, type OrphanReport } from "../runs/orphans.js";
import { probeContainment, type Containment } from "../runs/containment.js";
import { defaultWorkspacesDir, ensureWorkspacesDir } from "../runs/workspaces.js";
import { recordServeStart, storageErrorCode } from "../db/writable.js";
import { DatabaseUnwritableError } from "../errors.js";
import { startRunQueue, type PrepareRun, type RunQueue } from "../runs/queue.js";
import { startLaunchers, type Launchers } from "../runs/launchers/start.js";
import { enforceRunnerTimeout } from "../runners/lost.js";
import { RemoteWork } from "../runners/waiting.js";
import type { ExecutorCommand } from "../runs/spawn.js";
import { PushBus } from "../push/bus.js";
import { publicBaseUrl } from "../push/run-url.js";
import { createWebView } from "../web/app.js";
import { publishServer, unpublishServer } from "./published-url.js";

/** Releases one resource; closers run in reverse order of registration. */
export type Closer = () => Promise<void> | void;

/** What a plugged-in listener receives once HTTP is up and before the queue starts. */
export interface QuireContext {
  db: Db;
  config: ServerConfig;
  paths: DataPaths;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Create a run and wake the queue. */
  createRun(input: CreateRunInput): CreatedRun;
  /** News of pushes (the push path emits; the web view's caches listen). */
  pushes: PushBus;
  log(line: string): void;
}

/** Starts something alongside the server; returns how to stop it. */
export type Listener = (ctx: QuireContext) => Promise<Closer> | Closer;

export interface StartQuireOptions {
  dataDir: string;
  /** Merged over the defaults (flags already applied by the caller). */
  config?: Partial<ServerConfig>;
  /** Default: the real quire-ci. */
  executor?: ExecutorCommand;
  /** Materializes a run's workspace before spawn. */
  prepare?: PrepareRun;
  listeners?: Listener[];
  killGraceMs?: number;
  pollMs?: number;
  watchdogMs?: number;
  keepWorkspaces?: boolean;
  /** What holds each run's processes together (default: probed, see runs/containment.ts). */
  containment?: Containment;
  log?: (line: string) => void;
}

export interface QuireHandle extends QuireContext {
  server: Server;
  /** The server's launcher, and how runs are held to their limits. */
  launchers: Launchers;
  port: number;
  queue: RunQueue;
  orphans: OrphanReport;
  /** Where runs' workspaces are made (`<dir>/<run-id>`). */
  workspacesDir: string;
  containment: Containment;
  /** Register a resource to release on close (runs before the queue and database are closed). */
  addCloser(closer: Closer): void;
  /** Stop listeners, HTTP, the queue (killing running executors), close the database. */
  close(): Promise<void>;
}

/** The URL quire-ci should use for a server bound at `bind`:`port`. */
export function serverUrlFor(bind: string, port: number): string {
  if (bind === "0.0.0.0" || bind === "") return `http://127.0.0.1:${port}`;
  if (bind === "::") return `http://[::1]:${port}`;
  return bind.includes(":") ? `http://[${bind}]:${port}` : `http://${bind}:${port}`;
}

/** Start quire on `options.dataDir`. Resolves once /healthz answers. */
export async function startQuire(options: StartQuireOptions): Promise<QuireHandle> {
  const config = resolveServerConfig(options.config);
  const paths = dataPaths(options.dataDir);
  const log = options.log ?? ((line: string) => process.stderr.write(`quire: ${line}\n`));
  mkdirSync(paths.runs, { recursive: true });
  mkdirSync(paths.repos, { recursive: true });
  const workspacesDir = ensureWorkspacesDir(config.workspacesDir ?? defaultWorkspacesDir(), paths.dataDir);
  const containment = options.containment ?? probeContainment();
  // Before the database: a launcher that cannot be used (e.g. no such :sandbox-user) stops the start.
  const launchers = startLaunchers(config, { reposDir: paths.repos, log, localPrefix: containment.prefix });
  let db: Db;
  try {
    db = openDatabase(paths.db);
  } catch (e) {
    const code = storageErrorCode(e);
    if (code === undefined) throw e;
    throw new DatabaseUnwritableError(paths.db, code, (e as Error).message, { cause: e });
  }
  const closers: Closer[] = [];
  let queue: RunQueue | undefined;
  let server: Server | undefined;
  try {
    // A database that cannot take a write stops the server here, before it listens.
    recordServeStart(db);
    log(`runs: ${containment.description}; workspaces in ${workspacesDir}`);
    const orphans = await reconcileOrphans(db, { killGraceMs: options.killGraceMs, runsDir: paths.runs });
    for (const r of orphans.resolvedFromEvents) {
      log(`run ${r.id}: ${r.failureKind ? `${r.state}/${r.failureKind}` : r.state} (quire-ci finished while the server was down; resolved from events.jsonl)`);
    }
    for (const id of orphans.orphaned) log(`run ${id}: failed/orphaned (found active at startup)`);
    for (const id of orphans.requeued) log(`run ${id}: re-queued (its executor had not bootstrapped)`);
    const swept = await launchers.sweepLeftovers((id) => getRun(db, id) !== undefined);
    if (swept.length > 0) log(`removed the cgroups runs of a stopped server left behind: ${swept.join(", ")}`);

    const pushes = new PushBus();
    let baseUrl = "";
    const web = createWebView({ db, config, paths, pushes, baseUrl: () => baseUrl, log });
    closers.push(() => web.close());
    const work = new RemoteWork();
    const app = createApp({
      db,
      config,
      log,
      web,
      health: () => launchers.health(),
      runners: {
        reposDir: paths.repos,
        runsDir: paths.runs,
        maxFileBytes: config.runLogCapBytes + 1024 * 1024,
        limits: config.limits,
        timeoutMs: config.runnerTimeoutSeconds * 1000,
        work,
        log,
      },
    });
    server = createAdaptorServer({ fetch: app.fetch }) as Server;
    const port = await listen(server, config.port, config.bind);
    const url = serverUrlFor(config.bind, port);
    baseUrl = publicBaseUrl(config.host, url);
    publishServer(paths.serveInfo, { url, base_url: baseUrl, pid: process.pid, started_at_ms: Date.now() });
    closers.push(() => unpublishServer(paths.serveInfo));
    if (config.httpSocket !== null) {
      // Requests through the socket are marked: a proxy on this host may vouch for Remote-User there.
      const unixServer = createAdaptorServer({ fetch: (req: Request, env: object) => app.fetch(req, { ...env, unixSocket: true }) }) as Server;
      await listenSocket(unixServer, config.httpSocket);
      closers.push(() => closeServer(unixServer));
    }

    queue = startRunQueue({
      db,
      runsDir: paths.runs,
      workspacesDir,
      containment,
      serverUrl: url,
      executor: options.executor,
      maxConcurrentRuns: config.maxConcurrentRuns,
      prepare: options.prepare,
      runTimeoutMs: config.runTimeoutSeconds * 1000,
      killGraceMs: options.killGraceMs,
      pollMs: options.pollMs,
      watchdogMs: options.watchdogMs,
      keepWorkspaces: options.keepWorkspaces,
      route: launchers.route,
      hostLauncher: launchers.hostLauncher,
      onRemote: () => work.notify(),
      log,
    });
    const q = queue;
    const ctx: QuireContext = {
      db,
      config,
      paths,
      url,
      log,
      pushes,
      createRun: (input) => {
        const created = createRun(db, input, { killGraceMs: options.killGraceMs });
        q.wake();
        return created;
      },
    };
    for (const listener of options.listeners ?? []) closers.push(await listener(ctx));
    // Runners that went silent lose their runs (re-queued once for another runner).
    // A whole timeout from start before judging: runners reach a restarted server on their next heartbeat.
    const watchFrom = Date.now() + config.runnerTimeoutSeconds * 1000;
    const runnerWatch = setInterval(() => {
      if (!db.sqlite.open || Date.now() < watchFrom) return;
      const lost = enforceRunnerTimeout(db, { timeoutMs: config.runnerTimeoutSeconds * 1000 });
      for (const l of lost) log(`run ${l.id}: ${l.outcome === "released" ? "back in the queue" : "failed/runner-lost"} (its runner went silent)${l.requeuedAs ? `; re-queued as run ${l.requeuedAs}` : ""}`);
      if (lost.length > 0) work.notify();
    }, Math.max(100, Math.min(5000, (config.runnerTimeoutSeconds * 1000) / 4)));
    runnerWatch.unref();
    closers.push(() => clearInterval(runnerWatch));

    const s = server;
    let closed: Promise<void> | undefined;
    return {
      ...ctx,
      server: s,
      port,
      queue: q,
      launchers,
      orphans,
      workspacesDir,
      containment,
      addCloser: (closer) => void closers.push(closer),
      close: () =>
        (closed ??= (async () => {
          for (const closer of closers.reverse()) await closer();
          await closeServer(s);
          await q.stop();
          db.close();
        })()),
    };
  } catch (e) {
    for (const closer of closers.reverse()) await closer();
    if (server?.listening) await closeServer(server);
    await queue?.stop();
    db.close();
    throw e;
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        e.code === "EADDRINUSE"
          ? new Error(`port ${port} on ${host} is already in use; pass --port N or set :port in config.fnl`, { cause: e })
          : e,
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Listen on a Unix socket (mode 0660), replacing a stale socket file. */
async function listenSocket(server: Server, socketPath: string): Promise<void> {
  await unlink(socketPath).catch(() => {});
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => reject(new Error(`cannot listen on :http-socket ${socketPath}: ${e.message}`, { cause: e }));
    server.once("error", onError);
    server.listen(socketPath, () => {
      server.off("error", onError);
      resolve();
    });
  });
  await chmod(socketPath, 0o660);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
