// The runner agent, `quire runner start` (docs/SCALING.md): says hello with a
// fresh agent id (the server then loses whatever a previous agent of this
// runner held, so nothing is picked up twice), claims runs by long-poll while
// it has room (:max-concurrent-runs of the runner), runs each with a host
// launcher, heartbeats, stops the runs the server says are no longer its own,
// and stops them all when the server has been out of reach for longer than
// its runner timeout (by then they are runner-lost there, re-queued elsewhere).
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import {
  parseClaimResponse,
  parseFinishedResponse,
  parseHeartbeatResponse,
  parseHelloResponse,
  type ClaimResponse,
  type HelloResponse,
} from "@quire/shared";
import { probeContainment } from "../../runs/containment.js";
import { probeCgroups, sweepRunCgroups } from "../../runs/launchers/cgroups.js";
import { hostLauncher } from "../../runs/launchers/choose.js";
import type { HostLauncherName } from "../../runs/launchers/launcher.js";
import { defaultExecutor, type ExecutorCommand } from "../../runs/spawn.js";
import { call, callJson, ServerRefused, ServerUnreachable } from "./http.js";
import { RemoteRun, type RunEnd } from "./run-one.js";

export interface AgentOptions {
  serverUrl: string;
  token: string;
  labels: string[];
  workDir: string;
  launcher: HostLauncherName;
  /** :sandbox-user for bwrap when the agent runs as root. */
  sandboxUser?: string;
  executor?: ExecutorCommand;
  log: (line: string) => void;
}

export interface Agent {
  readonly agentId: string;
  readonly hello: HelloResponse;
  /** Ids of the runs it is running. */
  running(): string[];
  /** Stop claiming, kill the runs, and resolve when all is quiet. */
  stop(): Promise<void>;
  /** Resolves when the agent has stopped (asked to, or replaced by another agent). */
  done: Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startAgent(o: AgentOptions): Promise<Agent> {
  const agentId = randomBytes(12).toString("base64url");
  const api = (p: string) => `${o.serverUrl}/api/runner/${p}`;
  const hello = await callJson(api("hello"), o.token, parseHelloResponse, { json: { agent_id: agentId, labels: o.labels } });
  mkdirSync(o.workDir, { recursive: true });
  const launcher = hostLauncher(o.launcher, {
    limits: { memoryBytes: hello.limits.memory_bytes, processes: hello.limits.processes, cpuSeconds: hello.limits.cpu_seconds },
    sandboxUser: o.sandboxUser ?? "nobody",
    sandboxBinds: [],
    localPrefix: probeContainment().prefix,
  });
  // Groups an earlier agent on this host left (its runs were given up when this one said hello); others' live ones stay.
  const support = probeCgroups();
  if (!("problem" in support)) await sweepRunCgroups(support, () => "unknown");
  const executor = o.executor ?? defaultExecutor();
  const runs = new Map<string, RemoteRun>();
  const finishing = new Set<Promise<void>>();
  const abort = new AbortController();
  let stopping = false;
  let lastHeard = Date.now();
  let wake: () => void = () => {};

  o.log(
    `runner ${hello.runner} connected to ${o.serverUrl} as agent ${agentId}; labels ${o.labels.join(", ") || "none"}; ` +
      `up to ${hello.max_concurrent_runs} run(s) at once; launcher ${launcher.description}`,
  );
  for (const l of hello.lost) o.log(`run ${l.id}, held by this runner before it restarted: ${l.outcome}${l.requeued_as ? ` (re-queued as run ${l.requeued_as})` : ""}`);

  /** Report `end` until the server takes it (or it is clear it never will). */
  async function report(end: RunEnd): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await callJson(api("finished"), o.token, parseFinishedResponse, { json: { agent_id: agentId, ...end } });
        o.log(`run ${end.run_id}: ${r.state}${r.failure_kind ? `/${r.failure_kind}` : ""}`);
        return;
      } catch (e) {
        if (!(e instanceof ServerUnreachable) || attempt >= 60) {
          o.log(`run ${end.run_id}: the server did not take its end (${(e as Error).message})`);
          return;
        }
        await sleep(Math.min(5000, 250 * attempt));
      }
    }
  }

  function start(claim: ClaimResponse): void {
    const run = new RemoteRun(claim, { serverUrl: o.serverUrl, workDir: o.workDir, launcher, executor, log: o.log });
    runs.set(run.id, run);
    const p = run
      .run()
      .then((end) => (stopping ? undefined : report(end)))
      .catch((e: unknown) => o.log(`run ${run.id}: ${(e as Error).stack ?? String(e)}`))
      .finally(() => {
        runs.delete(run.id);
        finishing.delete(p);
        wake();
      });
    finishing.add(p);
  }

  async function claimLoop(): Promise<void> {
    let backoff = 250;
    while (!stopping) {
      if (runs.size >= hello.max_concurrent_runs) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      try {
        const res = await call(api("claim"), o.token, { json: { agent_id: agentId, wait_ms: 20_000 }, timeoutMs: 30_000, signal: abort.signal });
        lastHeard = Date.now();
        backoff = 250;
        if (res.status === 200) start(parseClaimResponse(await res.json()));
      } catch (e) {
        if (stopping) return;
        if (e instanceof ServerRefused && (e.code === "agent_replaced" || e.status === 401)) {
          o.log(`stopping: ${e.message}`);
          void agent.stop();
          return;
        }
        o.log(`claim: ${(e as Error).message}; trying again in ${backoff} ms`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  async function heartbeat(): Promise<void> {
    try {
      const r = await callJson(api("heartbeat"), o.token, parseHeartbeatResponse, {
        json: { agent_id: agentId, running: [...runs.keys()] },
        timeoutMs: Math.max(1000, hello.heartbeat_ms * 2),
      });
      lastHeard = Date.now();
      for (const id of r.stop) {
        const run = runs.get(id);
        if (run === undefined) continue;
        o.log(`run ${id}: the server says it is no longer this runner's to run (superseded, cancelled or lost); stopping it`);
        run.stop();
      }
    } catch (e) {
      if (e instanceof ServerRefused && (e.code === "agent_replaced" || e.status === 401)) {
        o.log(`stopping: ${e.message}`);
        void agent.stop();
        return;
      }
      const silent = Date.now() - lastHeard;
      if (silent > hello.timeout_ms && runs.size > 0) {
        o.log(`the server has not answered for ${Math.round(silent / 1000)} s (${(e as Error).message}); it has given these runs up by now: stopping ${[...runs.keys()].join(", ")}`);
        for (const run of runs.values()) run.stop();
      }
    }
  }

  const beat = setInterval(() => void heartbeat(), hello.heartbeat_ms);
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const loop = claimLoop();

  const agent: Agent = {
    agentId,
    hello,
    running: () => [...runs.keys()],
    done,
    stop: async () => {
      if (stopping) return done;
      stopping = true;
      abort.abort();
      clearInterval(beat);
      wake();
      for (const run of runs.values()) run.stop();
      await loop.catch(() => undefined);
      await Promise.allSettled([...finishing]);
      resolveDone();
    },
  };
  return agent;
}
