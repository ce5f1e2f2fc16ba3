// The launcher axis (docs/deploy.md): where a run's quire-ci executes is the
// launcher's choice, and quire-ci never learns it. `local` runs it on the
// host, `bwrap` in a sandbox per run, `remote` leaves the run to a runner on
// another host (runners/). A host launcher turns a run into the process to
// spawn (spawn.ts starts it, with the token on its fd) and a guard on its limits.
import { closeSync, openSync, readSync } from "node:fs";
import type { ExecutorCommand, ProcessPlan, RunDirs } from "../spawn.js";
import type { RunGuard } from "./guard.js";

export const LAUNCHER_NAMES = ["local", "bwrap", "remote"] as const;
export type LauncherName = (typeof LAUNCHER_NAMES)[number];
/** The launchers that run quire-ci on this host. */
export type HostLauncherName = Exclude<LauncherName, "remote">;

export function isLauncherName(value: unknown): value is LauncherName {
  return typeof value === "string" && (LAUNCHER_NAMES as readonly string[]).includes(value);
}

/** One run, as the queue (or a runner) hands it to a launcher. */
export interface LaunchRequest {
  runId: string;
  executor: ExecutorCommand;
  dirs: RunDirs;
  /** Where quire-ci reaches the run API. */
  serverUrl: string;
  /** The environment to start from (the server's, internal variables dropped). */
  env: NodeJS.ProcessEnv;
}

export interface LaunchPlan extends ProcessPlan {
  guard: RunGuard;
  /** A line for quire-ci.log before anything starts: the launcher and its limits. */
  note: string;
}

export interface HostLauncher {
  readonly name: HostLauncherName;
  /** One line for `quire serve` and /healthz. */
  readonly description: string;
  /** The process for one run. Throws when it cannot be prepared (the run fails as prepare-failed). */
  plan(request: LaunchRequest): LaunchPlan;
  /** What the launcher's own set-up said when it could not start, from the log text since the spawn. */
  setupFailure(logText: string): string | undefined;
}

/** Up to 8 KiB of `file` from byte `offset`: what a launcher's set-up said after the spawn. */
export function logTextSince(file: string, offset: number): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(8192);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, offset)).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
