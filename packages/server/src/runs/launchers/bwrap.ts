// The `bwrap` launcher: each run in its own bubblewrap sandbox (bwrap-args.ts),
// inside its own cgroups or under prlimit (guard.ts). As root the workspace
// and run directory are handed to the sandbox user first. A sandbox that
// cannot start is the run's prepare-failed, with bwrap's own words; there is
// no fall-back to `local`.
import { chownSync } from "node:fs";
import { ENV_SERVER_URL } from "@quire/shared";
import { executorReadPaths } from "./executor-files.js";
import { bwrapArgs, chownTree, inSandboxRunDir, SANDBOX_RUN_DIR, sandboxEnv, sandboxSetupFailure, type SandboxUser } from "./bwrap-args.js";
import { guardRun } from "./guard.js";
import type { HostLauncher, LaunchPlan, LaunchRequest } from "./launcher.js";
import type { RunLimits } from "./limits.js";

export interface BwrapOptions {
  limits: RunLimits;
  /** The user the run becomes when the server runs as root (undefined otherwise). */
  user: SandboxUser | undefined;
  /** More host paths the sandbox may read (:sandbox-binds). */
  readOnly?: string[];
  /** The bwrap program (default "bwrap" on PATH). */
  bwrap?: string;
  /**
   * Put before bwrap (containment.ts's `unshare --kill-child`): the recorded
   * process whose death ends the sandbox, while the server's own death does
   * not (bwrap's --die-with-parent then refers to it, not to the server).
   */
  prefix?: string[];
}

export function bwrapLauncher(options: BwrapOptions): HostLauncher {
  const who = options.user === undefined ? "the server's user in a user namespace" : `uid ${options.user.uid}`;
  return {
    name: "bwrap",
    description: `bwrap: each run in its own sandbox (PID namespace, private /tmp and $HOME, no data directory) as ${who}`,
    plan(req: LaunchRequest): LaunchPlan {
      const { dirs, executor } = req;
      const guard = guardRun(req.runId, options.limits);
      try {
        if (options.user !== undefined) {
          chownTree(dirs.workspace, options.user);
          chownSync(dirs.runDir, options.user.uid, options.user.gid);
        }
        const command = [executor.command, ...(executor.args ?? []), "--events", inSandboxRunDir(dirs.runDir, dirs.eventsFile), "--out-dir", SANDBOX_RUN_DIR];
        const args = bwrapArgs({
          workspace: dirs.workspace,
          runDir: dirs.runDir,
          readOnly: [...executorReadPaths(executor.command, executor.args ?? []), ...(options.readOnly ?? [])],
          user: options.user,
          command,
        });
        const argv = [...guard.prefix, ...(options.prefix ?? []), options.bwrap ?? "bwrap", ...args];
        return {
          command: argv[0]!,
          args: argv.slice(1),
          cwd: dirs.runDir,
          env: { ...sandboxEnv(req.env), [ENV_SERVER_URL]: req.serverUrl },
          guard,
          note: `launcher bwrap (${who}), ${guard.description}`,
        };
      } catch (e) {
        void guard.release();
        throw e;
      }
    },
    setupFailure: sandboxSetupFailure,
  };
}
