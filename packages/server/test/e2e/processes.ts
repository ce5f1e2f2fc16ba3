// Host processes as /proc shows them, for tests that prove a run leaves
// nothing behind: command lines, and the cgroup a process is in.
import { readdirSync, readFileSync } from "node:fs";

export interface HostProcess {
  pid: number;
  cmd: string;
}

/** Every live process whose command line matches `re` (zombies excluded). */
export function processesMatching(re: RegExp): HostProcess[] {
  const out: HostProcess[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3))) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      if (re.test(cmd)) out.push({ pid: Number(name), cmd });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** The processes in run `runId`'s cgroup (launchers/cgroups.ts names it `run-<id>`). */
export function processesOfRun(runId: string): HostProcess[] {
  return processesMatching(/./).filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/cgroup`, "utf8").includes(`/run-${runId}\n`);
    } catch {
      return false;
    }
  });
}
