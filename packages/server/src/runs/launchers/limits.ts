// Per-run resource limits of a sandboxed run (SPEC §7, docs/deploy.md):
// memory, number of processes and CPU time, with their config keys, defaults
// and the words a run's error uses when it goes over one. Wall time is
// :run-timeout (runs/watchdog.ts). How they are enforced: cgroups.ts, prlimit.ts.

export interface RunLimits {
  /** Bytes of memory the run's processes may use together (:limits {:memory …}). */
  memoryBytes: number;
  /** Processes and threads alive at once (:limits {:processes …}). */
  processes: number;
  /** Seconds of CPU time the run may use in all (:limits {:cpu-time …}). */
  cpuSeconds: number;
}

export const DEFAULT_RUN_LIMITS: Readonly<RunLimits> = Object.freeze({
  memoryBytes: 4 * 1024 ** 3,
  processes: 1024,
  cpuSeconds: 2 * 3600,
});

/** The limit names a `resource-limit` failure reports, and their config keys. */
export type LimitName = "memory" | "processes" | "cpu-time";

/** A limit a run went over: which one, and a sentence for the run's error. */
export interface LimitHit {
  limit: LimitName;
  message: string;
}

/** `1073741824` → "1 GiB"; other sizes in MiB or bytes. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  return `${n} bytes`;
}

/** How `limits` read in a log line: "memory 4 GiB, 1024 processes, 7200 s CPU time". */
export function describeLimits(limits: RunLimits): string {
  return `memory ${formatBytes(limits.memoryBytes)}, ${limits.processes} processes, ${limits.cpuSeconds} s CPU time`;
}

/** The sentence for a run that went over `limit`. */
export function limitMessage(limit: LimitName, limits: RunLimits, detail: string): string {
  switch (limit) {
    case "memory":
      return `the run went over its memory limit of ${formatBytes(limits.memoryBytes)} (:limits {:memory …}): ${detail}`;
    case "processes":
      return `the run went over its limit of ${limits.processes} processes (:limits {:processes …}): ${detail}`;
    case "cpu-time":
      return `the run went over its CPU time limit of ${limits.cpuSeconds} s (:limits {:cpu-time …}): ${detail}`;
  }
}

/** Checks a limits table; throws RangeError naming the key. */
export function checkLimits(limits: RunLimits): RunLimits {
  const whole = (key: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`:limits {:${key} …} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  };
  whole("memory", limits.memoryBytes, 16 * 1024 * 1024);
  whole("processes", limits.processes, 8);
  if (typeof limits.cpuSeconds !== "number" || !(limits.cpuSeconds > 0)) {
    throw new RangeError(`:limits {:cpu-time …} must be a number of seconds > 0, got ${JSON.stringify(limits.cpuSeconds)}`);
  }
  return limits;
}
