// The launchers of a running server (serve/start.ts): the server's own
// (:launcher, else bwrap where it is on PATH), host launchers made on first
// use, the router, and what `quire serve` prints and /healthz reports. A bwrap
// that cannot start here is said at start, and runs then fail prepare-failed.
import { spawnSync } from "node:child_process";
import type { ServerConfig } from "../../config/types.js";
import type { RunRow } from "../../db/schema.js";
import { defaultLauncherName, hostLauncher } from "./choose.js";
import { probeCgroups, sweepRunCgroups } from "./cgroups.js";
import { limitsMechanism } from "./guard.js";
import type { HostLauncher, HostLauncherName, LauncherName } from "./launcher.js";
import { describeLimits } from "./limits.js";
import { REMOTE_DESCRIPTION } from "./remote.js";
import { makeRouter, type RunRoute } from "./route.js";

export interface Launchers {
  /** The server's launcher. */
  name: LauncherName;
  /** One line: the launcher and how runs are held to their limits. */
  description: string;
  hostLauncher(name: HostLauncherName): HostLauncher;
  route(run: RunRow): Promise<RunRoute>;
  /** For /healthz. */
  health(): Record<string, unknown>;
  /**
   * Remove the cgroups of runs a dead server or runner left (after orphan
   * reconciliation, when no run of this database still runs): returns their ids.
   */
  sweepLeftovers(knownRun: (runId: string) => boolean): Promise<string[]>;
}

/** Why bwrap cannot start a sandbox here, or undefined when it can. */
export function bwrapProblem(): string | undefined {
  const r = spawnSync("bwrap", ["--unshare-pid", "--ro-bind", "/", "/", "--", "true"], { encoding: "utf8", timeout: 10_000 });
  if (r.error) return r.error.message;
  return r.status === 0 ? undefined : r.stderr.trim() || `bwrap exited ${r.status}`;
}

export function startLaunchers(config: ServerConfig, options: { reposDir: string; log: (line: string) => void; localPrefix?: string[] }): Launchers {
  const name = config.launcher ?? defaultLauncherName();
  const made = new Map<HostLauncherName, HostLauncher>();
  const get = (n: HostLauncherName): HostLauncher => {
    let l = made.get(n);
    if (l === undefined) {
      l = hostLauncher(n, { limits: config.limits, sandboxUser: config.sandboxUser, sandboxBinds: config.sandboxBinds, localPrefix: options.localPrefix });
      made.set(n, l);
    }
    return l;
  };
  const limits = limitsMechanism();
  let description: string;
  if (name === "remote") description = REMOTE_DESCRIPTION;
  else {
    description = get(name).description;
    if (name === "bwrap") description += `; limits ${describeLimits(config.limits)} by ${limits.description}`;
  }
  if (name === "bwrap") {
    const problem = bwrapProblem();
    if (problem !== undefined) options.log(`warning: bwrap cannot start a sandbox here (${problem}); runs will fail as prepare-failed until that is fixed or :launcher is set`);
  }
  return {
    name,
    description,
    hostLauncher: get,
    route: makeRouter(options.reposDir, name),
    health: () => ({ launcher: name, ...(name === "bwrap" ? { limits: limits.kind } : {}) }),
    sweepLeftovers: async (knownRun) => {
      const support = probeCgroups();
      return "problem" in support ? [] : sweepRunCgroups(support, (id) => (knownRun(id) ? "dead" : "unknown"));
    },
  };
}
