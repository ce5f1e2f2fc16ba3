// Limits where per-run cgroups cannot be made (cgroups.ts): prlimit(1) on the
// sandbox's first process, inherited by all the run starts. Coarser than
// cgroups: memory and CPU time per process (RLIMIT_DATA, which unlike
// RLIMIT_AS leaves room for the address space WebAssembly reserves; RLIMIT_CPU),
// processes per user (RLIMIT_NPROC). A hit is named only when it shows:
// quire-ci stopped by SIGXCPU; other hits fail the run as what they broke.
import type { ExitStatus } from "../outcome.js";
import { limitMessage, type LimitHit, type RunLimits } from "./limits.js";

/** After the soft CPU limit (SIGXCPU), seconds until the hard one (SIGKILL). */
const CPU_GRACE_S = 5;

/** The argv prefix that starts a command under `limits`. */
export function prlimitPrefix(limits: RunLimits): string[] {
  const cpu = Math.ceil(limits.cpuSeconds);
  return ["prlimit", `--nproc=${limits.processes}`, `--cpu=${cpu}:${cpu + CPU_GRACE_S}`, `--data=${limits.memoryBytes}`, "--"];
}

/** The limit that stopped the run's first process, when its exit shows one. */
export function prlimitHit(limits: RunLimits, exit: ExitStatus | undefined): LimitHit | undefined {
  if (exit?.signal === "SIGXCPU" || exit?.code === 128 + 24) {
    return { limit: "cpu-time", message: limitMessage("cpu-time", limits, "the kernel stopped quire-ci with SIGXCPU") };
  }
  return undefined;
}
