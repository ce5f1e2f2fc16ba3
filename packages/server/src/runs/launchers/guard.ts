// What holds a sandboxed run to its limits (limits.ts): its own cgroups where
// they can be made (cgroups.ts), else prlimit (prlimit.ts). The launcher puts
// the guard's prefix before the sandbox; the queue polls check() while the
// run goes (CPU time) and reads it once more, then releases, after it ends.
import type { ExitStatus } from "../outcome.js";
import { probeCgroups, RunCgroups } from "./cgroups.js";
import { describeLimits, type LimitHit, type RunLimits } from "./limits.js";
import { prlimitHit, prlimitPrefix } from "./prlimit.js";

export interface RunGuard {
  /** One line for the run's log: how the limits are held. */
  readonly description: string;
  /** Put before the sandbox's command. */
  readonly prefix: string[];
  /** The limit the run went over, if any (with its exit status once it ended). */
  check(exit?: ExitStatus): LimitHit | undefined;
  /** Kill what is left of the run (where the guard can find it) and free what it holds. */
  release(): Promise<void>;
  /** CPU seconds the run's processes used, where the guard counts them (a cgroup); read before release(). */
  cpuSeconds?(): number;
}

/** How limits are enforced on this machine, for `quire serve` and /healthz. */
export function limitsMechanism(): { kind: "cgroup-v1" | "prlimit"; description: string } {
  const support = probeCgroups();
  if ("problem" in support) return { kind: "prlimit", description: `prlimit per process (no per-run cgroups: ${support.problem})` };
  return { kind: "cgroup-v1", description: "a cgroup per run (memory, pids, cpuacct)" };
}

/** The guard of run `runId`. Throws when its cgroups cannot be made (the run fails as prepare-failed). */
export function guardRun(runId: string, limits: RunLimits): RunGuard {
  const support = probeCgroups();
  if ("problem" in support) {
    return {
      description: `limits by prlimit per process (${describeLimits(limits)})`,
      prefix: prlimitPrefix(limits),
      check: (exit) => prlimitHit(limits, exit),
      release: async () => {},
    };
  }
  const groups = RunCgroups.create(support, runId, limits);
  return {
    description: `limits by cgroup (${describeLimits(limits)})`,
    prefix: groups.enterPrefix(),
    check: () => groups.check(),
    cpuSeconds: () => groups.cpuSeconds(),
    release: async () => {
      await groups.release();
    },
  };
}
