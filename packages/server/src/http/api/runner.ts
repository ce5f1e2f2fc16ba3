// /api/runner/* (docs/SCALING.md): the API of runners on other hosts, bearer
// runner token. hello (an agent starts: what its predecessor held is lost),
// claim (long-poll for a remote run its labels cover), heartbeat (alive; which
// of its runs to stop), finished (a run's quire-ci exited: resolve it).
import { appendFileSync, mkdirSync, statSync } from "node:fs";
import {
  parseClaimRequest,
  parseFinishedRequest,
  parseHeartbeatRequest,
  parseHelloRequest,
  SchemaError,
  type ClaimResponse,
  type FinishedResponse,
  type HeartbeatResponse,
  type HelloResponse,
} from "@quire/shared";
import { Hono, type Context } from "hono";
import type { Db } from "../../db/open.js";
import { getRun } from "../../db/queries.js";
import { HttpError } from "../../errors.js";
import { claimRun, runsOn } from "../../runners/claims.js";
import { agentStarted, reconcileHeld, sawRunner } from "../../runners/lost.js";
import { getRunner } from "../../runners/registry.js";
import type { RemoteWork } from "../../runners/waiting.js";
import type { RunLimits } from "../../runs/launchers/limits.js";
import { resolveAfterExit, type Resolution } from "../../runs/outcome.js";
import { runDirs } from "../../runs/spawn.js";
import type { RunnerTokenEnv } from "../middleware/runner-token.js";

export interface RunnerApiOptions {
  db: Db;
  runsDir: string;
  limits: RunLimits;
  /** :runner-timeout in ms. */
  timeoutMs: number;
  work: RemoteWork;
  log: (line: string) => void;
  onResolved?: (runId: string, resolution: Resolution) => void;
}

/** Longest a claim waits for work before answering 204. */
const MAX_WAIT_MS = 25_000;

async function body<T>(c: Context, parse: (v: unknown) => T): Promise<T> {
  let value: unknown;
  try {
    value = JSON.parse(await c.req.text());
  } catch (e) {
    throw new HttpError(400, "bad_request", `body is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parse(value);
  } catch (e) {
    if (e instanceof SchemaError) throw new HttpError(400, "bad_request", e.message);
    throw e;
  }
}

export function runnerRoutes(o: RunnerApiOptions) {
  const { db } = o;
  /** The runner, as it is now, whose current agent is `agentId`. */
  const current = (name: string, agentId: string) => {
    const runner = getRunner(db, name);
    if (runner === undefined) throw new HttpError(401, "unauthorized", `runner ${name} was removed`);
    if (runner.agentId !== agentId) {
      throw new HttpError(409, "agent_replaced", `another quire runner started with runner ${name}'s token (agent ${runner.agentId ?? "none"}); this one must stop`);
    }
    return runner;
  };

  return new Hono<RunnerTokenEnv>()
    .post("/hello", async (c) => {
      const req = await body(c, parseHelloRequest);
      const runner = c.get("runner");
      const lost = agentStarted(db, runner, req.agent_id, req.labels);
      for (const l of lost) o.log(`run ${l.id}: ${l.outcome === "released" ? "back in the queue" : "failed/runner-lost"}: runner ${runner.name} restarted${l.requeuedAs ? `; re-queued as run ${l.requeuedAs}` : ""}`);
      if (lost.length > 0) o.work.notify();
      o.log(`runner ${runner.name}: agent ${req.agent_id} started, labels ${req.labels.join(", ") || "none"}`);
      const answer: HelloResponse = {
        runner: runner.name,
        max_concurrent_runs: runner.maxConcurrentRuns,
        heartbeat_ms: Math.max(200, Math.min(2000, Math.floor(o.timeoutMs / 5))),
        timeout_ms: o.timeoutMs,
        limits: { memory_bytes: o.limits.memoryBytes, processes: o.limits.processes, cpu_seconds: o.limits.cpuSeconds },
        lost: lost.map((l) => ({ id: l.id, outcome: l.outcome, ...(l.requeuedAs ? { requeued_as: l.requeuedAs } : {}) })),
      };
      return c.json(answer);
    })
    .post("/claim", async (c) => {
      const req = await body(c, parseClaimRequest);
      const name = c.get("runner").name;
      const deadline = Date.now() + Math.min(req.wait_ms ?? MAX_WAIT_MS, MAX_WAIT_MS);
      for (;;) {
        const runner = current(name, req.agent_id);
        sawRunner(db, name, req.agent_id, undefined);
        const claim = claimRun(db, runner, JSON.parse(runner.labelsJson) as string[]);
        if (claim !== undefined) {
          const { run } = claim;
          const dirs = runDirs(o.runsDir, run.repo, run.id);
          mkdirSync(dirs.runDir, { recursive: true });
          appendFileSync(dirs.logFile, `quire serve: claimed by runner ${name}\n`);
          o.log(`run ${run.id}: claimed by runner ${name}`);
          const answer: ClaimResponse = {
            run: { id: run.id, repo: run.repo, ref: run.ref, sha: run.sha, runs_on: runsOn(run) },
            token: claim.token,
            log_offset: statSync(dirs.logFile).size,
          };
          return c.json(answer);
        }
        const left = deadline - Date.now();
        if (left <= 0 || c.req.raw.signal.aborted) return c.body(null, 204);
        await o.work.wait(Math.min(left, 1000), c.req.raw.signal);
      }
    })
    .post("/heartbeat", async (c) => {
      const req = await body(c, parseHeartbeatRequest);
      const runner = current(c.get("runner").name, req.agent_id);
      sawRunner(db, runner.name, req.agent_id, undefined);
      const { stop, lost } = reconcileHeld(db, runner.name, req.running);
      for (const l of lost) o.log(`run ${l.id}: ${l.outcome}: runner ${runner.name} no longer knew of it${l.requeuedAs ? `; re-queued as run ${l.requeuedAs}` : ""}`);
      if (lost.length > 0) o.work.notify();
      const answer: HeartbeatResponse = { stop };
      return c.json(answer);
    })
    .post("/finished", async (c) => {
      const req = await body(c, parseFinishedRequest);
      const runner = current(c.get("runner").name, req.agent_id);
      const run = getRun(db, req.run_id);
      if (run === undefined || run.runner !== runner.name) {
        throw new HttpError(409, "run_not_held", `run ${req.run_id} is not held by runner ${runner.name}`);
      }
      const dirs = runDirs(o.runsDir, run.repo, run.id);
      const signal = req.exit.signal as NodeJS.Signals | null;
      const resolution = resolveAfterExit(db, run.id, { code: req.exit.code, signal }, {
        eventsFile: dirs.eventsFile,
        ...(req.limit_hit ? { limitHit: req.limit_hit } : {}),
        ...(req.setup_failure !== undefined ? { setupFailure: req.setup_failure } : {}),
      });
      const problems = (resolution.ingest?.problems ?? []).map((p) => `events.jsonl line ${p.line}: ${p.message}`);
      if (problems.length > 0) appendFileSync(dirs.logFile, problems.map((p) => `quire serve: ${p}\n`).join(""));
      o.log(`run ${run.id}: ${resolution.state}${resolution.failureKind ? `/${resolution.failureKind}` : ""} (runner ${runner.name})`);
      o.onResolved?.(run.id, resolution);
      const answer: FinishedResponse = { state: resolution.state, failure_kind: resolution.failureKind };
      return c.json(answer);
    });
}
