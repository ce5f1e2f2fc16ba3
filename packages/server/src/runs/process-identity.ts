// Telling our executor's process group from a stranger that reuses its
// number: a process's identity is "<boot id>:<start time in clock ticks>"
// from /proc (Linux). Elsewhere identities are null and checks pass.
import { readFileSync } from "node:fs";

function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}

/** Start time (field 22 of /proc/<pid>/stat), or null when the process is gone or a zombie. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return null;
    return fields[19] ?? null; // fields[0] is field 3 (state), so field 22 is fields[19]
  } catch {
    return null;
  }
}

/** The identity of live process `pid`, or null when it cannot be read. */
export function processIdentity(pid: number): string | null {
  const boot = bootId();
  const start = startTime(pid);
  return boot === null || start === null ? null : `${boot}:${start}`;
}

/**
 * Whether group `pgid` can still be the one whose leader had `identity`.
 * Unknown identity: assume so. Another boot: no. Leader alive: only with the
 * same start time. Leader gone: yes — a group id is not reused while the
 * group has members.
 */
export function groupMatchesIdentity(pgid: number, identity: string | null): boolean {
  if (identity === null) return true;
  const sep = identity.lastIndexOf(":");
  const [boot, start] = [identity.slice(0, sep), identity.slice(sep + 1)];
  const currentBoot = bootId();
  if (currentBoot !== null && currentBoot !== boot) return false;
  const leaderStart = startTime(pgid);
  return leaderStart === null || leaderStart === start;
}
