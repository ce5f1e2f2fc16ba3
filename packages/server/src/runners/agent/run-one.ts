// One remote run on the runner's host (docs/SCALING.md): fetch its workspace
// as a tarball, start quire-ci through the host launcher (bwrap where it can)
// with the run token on its descriptor, stream its files back while it runs,
// watch its limits, and report how it ended. stop() kills it (supersede,
// cancel, a server gone silent).
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ClaimResponse, FinishedRequest } from "@quire/shared";
import { logTextSince, type HostLauncher } from "../../runs/launchers/launcher.js";
import type { LimitHit } from "../../runs/launchers/limits.js";
import type { ExitStatus } from "../../runs/outcome.js";
import { killProcessGroup } from "../../runs/process-group.js";
import { executorEnv, spawnPlan, type ExecutorCommand, type RunDirs } from "../../runs/spawn.js";
import { call } from "./http.js";
import { FileUploader } from "./uploads.js";

export interface RunOneOptions {
  serverUrl: string;
  /** `<work>/runs/<run-id>` is made, used and removed. */
  workDir: string;
  launcher: HostLauncher;
  executor: ExecutorCommand;
  log: (line: string) => void;
}

/** How a run ended, for POST /api/runner/finished (without the agent id). */
export type RunEnd = Omit<FinishedRequest, "agent_id">;

/** Extract the workspace tarball the server sends into `dir`. */
async function fetchWorkspace(serverUrl: string, token: string, dir: string): Promise<void> {
  const res = await call(`${serverUrl}/api/run/workspace`, token, { timeoutMs: 120_000 });
  mkdirSync(dir, { recursive: true });
  const tar = spawn("tar", ["-xzf", "-", "-C", dir], { stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  tar.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => tar.on("close", r));
  await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), tar.stdin);
  const code = await exited;
  if (code !== 0) throw new Error(`tar could not extract the workspace (exit ${code}): ${err.trim()}`);
}

export class RemoteRun {
  readonly id: string;
  private pid: number | undefined;
  private stopped = false;

  constructor(
    private readonly claim: ClaimResponse,
    private readonly o: RunOneOptions,
  ) {
    this.id = claim.run.id;
  }

  /** Kill the run's quire-ci and all it started (it is no longer ours to run). */
  stop(): void {
    this.stopped = true;
    if (this.pid !== undefined) void killProcessGroup(this.pid, { graceMs: 2000 });
  }

  /** Run it to the end; resolves with how it ended (and the files sent back). */
  async run(): Promise<RunEnd> {
    const { claim, o } = this;
    const base = path.join(o.workDir, "runs", claim.run.id);
    rmSync(base, { recursive: true, force: true });
    const dirs: RunDirs = {
      runDir: path.join(base, "out"),
      workspace: path.join(base, "workspace"),
      eventsFile: path.join(base, "out", "events.jsonl"),
      logFile: path.join(base, "out", "quire-ci.log"),
    };
    mkdirSync(dirs.runDir, { recursive: true });
    const uploads = new FileUploader(dirs.runDir, o.serverUrl, claim.token, { "quire-ci.log": claim.log_offset });
    const note = (line: string) => appendFileSync(dirs.logFile, `quire runner: ${line}\n`);
    try {
      try {
        await fetchWorkspace(o.serverUrl, claim.token, dirs.workspace);
      } catch (e) {
        return await this.ended({ exit: { code: null, signal: null }, setup_failure: `the runner could not fetch the workspace: ${(e as Error).message}` }, uploads);
      }
      let plan;
      try {
        plan = o.launcher.plan({ runId: claim.run.id, executor: o.executor, dirs, serverUrl: o.serverUrl, env: executorEnv() });
      } catch (e) {
        return await this.ended({ exit: { code: null, signal: null }, setup_failure: `the ${o.launcher.name} launcher could not prepare the run: ${(e as Error).message}` }, uploads);
      }
      note(plan.note);
      const logOffset = statSync(dirs.logFile).size;
      uploads.start();
      // The run dies with the agent: a runner killed mid-run leaves nothing running on its host.
      const child = spawnPlan({ ...plan, command: "setpriv", args: ["--pdeathsig", "KILL", "--", plan.command, ...plan.args] }, { logFile: dirs.logFile, token: claim.token });
      const exited = new Promise<ExitStatus>((resolve) => {
        child.once("exit", (code, signal) => resolve({ code, signal }));
        child.once("error", () => resolve({ code: null, signal: "SIGKILL" }));
      });
      this.pid = child.pid;
      if (this.stopped && this.pid !== undefined) void killProcessGroup(this.pid, { graceMs: 0 });
      o.log(`run ${claim.run.id}: started quire-ci (pid ${child.pid}) for ${claim.run.repo} ${claim.run.ref}`);
      let limitHit: LimitHit | undefined;
      const poll = setInterval(() => {
        limitHit ??= plan.guard.check();
        if (limitHit !== undefined && this.pid !== undefined) void killProcessGroup(this.pid, { graceMs: 0 });
      }, 1000);
      const status = await exited;
      clearInterval(poll);
      if (this.pid !== undefined) await killProcessGroup(this.pid, { graceMs: 1000 });
      limitHit ??= plan.guard.check(status);
      const said = status.code === 0 ? undefined : o.launcher.setupFailure(logTextSince(dirs.logFile, logOffset));
      const setup = said === undefined ? undefined : `the runner's sandbox could not start: ${said}`;
      await plan.guard.release();
      return await this.ended(
        { exit: { code: status.code, signal: status.signal }, ...(limitHit ? { limit_hit: limitHit } : {}), ...(setup !== undefined ? { setup_failure: setup } : {}) },
        uploads,
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }

  private async ended(end: Omit<RunEnd, "run_id">, uploads: FileUploader): Promise<RunEnd> {
    if (end.setup_failure !== undefined) this.o.log(`run ${this.id}: ${end.setup_failure}`);
    // Everything the run wrote reaches the server before it is judged; a server out of reach is retried by the agent.
    for (let attempt = 1; ; attempt++) {
      try {
        await uploads.stop();
        break;
      } catch (e) {
        if (this.stopped || attempt >= 5) {
          this.o.log(`run ${this.id}: could not send its files back: ${(e as Error).message}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    return { run_id: this.id, ...end };
  }
}
