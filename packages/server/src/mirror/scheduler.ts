// Mirroring inside `quire serve` (SPEC §10): a push queues its refs per
// target in mirror_status and returns at once; one attempt per target runs
// at a time, a few targets at once; failures retry after :retry-delays;
// a diverged target waits for a human. Queued refs survive a restart.
import type { RefUpdate } from "@quire/shared";
import type { MirrorTarget } from "../config/mirrors.js";
import { redactorFor } from "../config/secrets.js";
import type { ServerConfig } from "../config/types.js";
import type { Db } from "../db/open.js";
import { openRepo } from "../git/repos.js";
import { pushToMirror, type MirrorPushResult } from "./push.js";
import { getMirrorStatus, pendingMirrorRefs, queueMirrorRefs, recordMirrorAttempt, targetsWithPendingRefs } from "./status.js";
import { planMirrors } from "./targets.js";

export interface MirrorSchedulerOptions {
  db: Db;
  reposDir: string;
  /** The data directory's known_hosts, for ssh targets. */
  knownHostsFile?: string;
  config: Pick<ServerConfig, "mirrors" | "secrets" | "retryDelaysSeconds">;
  log: (line: string) => void;
  /** Targets pushed to at once (default 2). */
  maxConcurrent?: number;
  /** Per-push limit (default MIRROR_PUSH_TIMEOUT_MS). */
  pushTimeoutMs?: number;
}

export interface MirrorScheduler {
  /** Queue the refs of a push for its targets. Returns at once and never throws. */
  onPush(repo: string, refs: RefUpdate[]): void;
  /** Stop: running pushes are killed and stay queued for the next start. */
  stop(): Promise<void>;
}

/** The one-line log of a finished attempt (no secret: the URL never holds one, the error is redacted). */
export function describeAttempt(repo: string, url: string, r: MirrorPushResult): string {
  const refs = r.refs.length === 0 ? "" : ` (${r.refs.map((x) => `${x.ref} ${x.status}`).join(", ")})`;
  return `mirror ${repo} → ${url}: ${r.outcome}${refs}${r.error === null ? "" : `: ${r.error}`}`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

export function startMirrorScheduler(options: MirrorSchedulerOptions): MirrorScheduler {
  const { db, log } = options;
  const delays = options.config.retryDelaysSeconds.map((s) => s * 1000);
  const maxConcurrent = options.maxConcurrent ?? 2;
  const running = new Map<string, Promise<void>>();
  const timers = new Map<string, NodeJS.Timeout>();
  const abort = new AbortController();
  const slots: (() => void)[] = [];
  let active = 0;
  let stopping = false;
  const background = new Set<Promise<unknown>>();

  const key = (repo: string, url: string) => `${repo}\0${url}`;
  const track = (p: Promise<unknown>) => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };

  async function slot(): Promise<() => void> {
    if (active >= maxConcurrent) await new Promise<void>((resolve) => slots.push(resolve));
    active++;
    return () => {
      active--;
      slots.shift()?.();
    };
  }

  /** Attempt now when due, else wake up when it is. */
  function kick(repo: string, url: string): void {
    if (stopping || running.has(key(repo, url))) return;
    const waiting = pendingMirrorRefs(db, repo, url);
    if (waiting === undefined || waiting.dueAtMs === null || waiting.refs.length === 0) return;
    clearTimeout(timers.get(key(repo, url)));
    const delay = waiting.dueAtMs - Date.now();
    if (delay > 0) {
      const timer = setTimeout(() => {
        timers.delete(key(repo, url));
        kick(repo, url);
      }, Math.min(delay, 2 ** 31 - 1));
      timer.unref();
      timers.set(key(repo, url), timer);
      return;
    }
    const run = attempt(repo, url)
      .catch((e: unknown) => log(`mirror ${repo} → ${url}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`))
      .finally(() => {
        running.delete(key(repo, url));
        kick(repo, url); // refs queued while it ran
      });
    running.set(key(repo, url), run);
  }

  async function attempt(repo: string, url: string): Promise<void> {
    const release = await slot();
    try {
      if (stopping) return;
      const waiting = pendingMirrorRefs(db, repo, url);
      if (waiting === undefined || waiting.refs.length === 0) return;
      const target: MirrorTarget = { url, ...waiting.target };
      const failuresBefore = getMirrorStatus(db, repo, url)?.failures ?? 0;
      let result: MirrorPushResult;
      try {
        const hosted = await openRepo(options.reposDir, repo);
        result = await pushToMirror({
          gitDir: hosted.dir,
          url,
          target,
          refs: waiting.refs.map((p) => p.ref),
          secrets: options.config.secrets,
          redactor: await redactorFor(options.config.secrets),
          timeoutMs: options.pushTimeoutMs,
          knownHostsFile: options.knownHostsFile,
          signal: abort.signal,
        });
      } catch (e) {
        const now = Date.now();
        result = { outcome: "error", refs: [], error: e instanceof Error ? e.message : String(e), stderr: "", retryable: false, startedAtMs: now, finishedAtMs: now };
      }
      if (result.aborted) return; // stays queued for the next start
      const retryDelay = result.retryable ? delays[failuresBefore] : undefined;
      const retryAtMs = retryDelay === undefined ? null : result.finishedAtMs + retryDelay;
      recordMirrorAttempt(db, repo, target, result, { attempted: waiting.refs, retryAtMs });
      let line = describeAttempt(repo, url, result);
      if (retryAtMs !== null) line += `; retry ${failuresBefore + 1} of ${delays.length} in ${seconds(retryDelay!)}`;
      else if (result.outcome === "error" && result.retryable) line += `; gave up after ${failuresBefore + 1} attempts: \`quire mirror push ${repo}\` tries again by hand`;
      log(line);
    } finally {
      release();
    }
  }

  async function queue(repo: string, refs: RefUpdate[]): Promise<void> {
    const hosted = await openRepo(options.reposDir, repo);
    const { plans, problems, warnings } = await planMirrors(hosted.dir, hosted.name, refs, options.config.mirrors);
    for (const w of warnings) log(`mirror ${hosted.name}: warning: ${w}`);
    for (const p of problems) log(`mirror ${hosted.name}: not mirrored: ${p}`);
    const now = Date.now();
    for (const plan of plans) {
      queueMirrorRefs(db, hosted.name, plan.target, plan.refs, now);
      kick(hosted.name, plan.target.url);
    }
  }

  // Refs queued before a stop or a crash.
  for (const { repo, url } of targetsWithPendingRefs(db)) kick(repo, url);

  return {
    onPush(repo, refs) {
      if (stopping) return;
      track(queue(repo, refs).catch((e: unknown) => log(`mirror ${repo}: cannot queue the push: ${e instanceof Error ? e.message : String(e)}`)));
    },
    async stop() {
      stopping = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      abort.abort();
      for (const release of slots.splice(0)) release();
      await Promise.all([...background, ...running.values()]);
    },
  };
}
