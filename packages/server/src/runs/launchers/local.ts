// The `local` launcher: quire-ci on the host as the server's user, cwd the
// workspace, in its own process group and, where it can be made, its own PID
// namespace (containment.ts: nothing outlives the run). No sandbox and no
// limits beyond :run-timeout; the data directory is reachable by its path.
import { ENV_SERVER_URL } from "@quire/shared";
import { checkCommand } from "../spawn.js";
import type { HostLauncher, LaunchPlan, LaunchRequest } from "./launcher.js";

export const NO_GUARD = Object.freeze({ description: "no limits (local launcher)", prefix: [] as string[], check: () => undefined, release: async () => {} });

export function localLauncher(options: { prefix?: string[] } = {}): HostLauncher {
  const prefix = options.prefix ?? [];
  return {
    name: "local",
    description: "local: quire-ci runs on this host as the server's user, without a sandbox",
    plan(req: LaunchRequest): LaunchPlan {
      const { dirs, executor } = req;
      const argv = [...prefix, executor.command, ...(executor.args ?? []), "--events", dirs.eventsFile, "--out-dir", dirs.runDir];
      const env = { ...req.env, [ENV_SERVER_URL]: req.serverUrl };
      // Behind a containment prefix a missing program would only show in the log: say so now (ENOENT).
      if (prefix.length > 0) checkCommand(executor.command, env);
      return {
        command: argv[0]!,
        args: argv.slice(1),
        cwd: dirs.workspace,
        env,
        guard: NO_GUARD,
        note: "launcher local (no sandbox, no limits)",
      };
    },
    setupFailure: () => undefined,
  };
}
