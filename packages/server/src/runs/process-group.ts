// Stopping an executor's whole process group: TERM, then KILL after a grace
// period, then wait until no live member remains. Zombies left for init to
// reap count as gone (they run nothing and hold no resources but a pid).
import { readdirSync, readFileSync } from "node:fs";

/** True while some non-zombie process is in group `pgid`. */
export function isProcessGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return liveMembers(pgid) !== 0;
}

/** Count non-zombie members of a group from /proc; where /proc is missing, assume one. */
function liveMembers(pgid: number): number {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return 1;
  }
  let live = 0;
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the parenthesised command: state ppid pgrp …
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(rest[2]) === pgid && rest[0] !== "Z" && rest[0] !== "X") live++;
  }
  return live;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isProcessGroupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface KillGroupOptions {
  /** How long members get to exit after TERM before KILL (default 5000 ms). */
  graceMs?: number;
}

/**
 * Stop every process of group `pgid`: TERM, KILL after the grace period.
 * Resolves true once no live member remains (false if even KILL did not
 * clear it within a few seconds, which only a stuck kernel does).
 */
export async function killProcessGroup(pgid: number, options: KillGroupOptions = {}): Promise<boolean> {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`refusing to signal process group ${pgid}`);
  if (!isProcessGroupAlive(pgid)) return true;
  signalGroup(pgid, "SIGTERM");
  if (await waitGone(pgid, options.graceMs ?? 5000)) return true;
  signalGroup(pgid, "SIGKILL");
  return waitGone(pgid, 5000);
}
