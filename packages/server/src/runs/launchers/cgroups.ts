// Per-run cgroups (v1): a memory, a pids and a cpuacct group for each run,
// under the server's own cgroup (`<own>/quire/run-<id>`), so the kernel caps a
// run's memory and processes, counts its CPU time, and every process of the
// run can be found and killed at its end. Probed once; where the hierarchy is
// missing or not writable (or only cgroup v2 is there) limits fall back to
// prlimit.ts and `quire serve` says so.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { limitMessage, type LimitHit, type RunLimits } from "./limits.js";

const CONTROLLERS = ["memory", "pids", "cpuacct"] as const;
type Controller = (typeof CONTROLLERS)[number];

export interface CgroupSupport {
  kind: "cgroup-v1";
  /** Per controller, the directory under which runs' groups are made (`…/quire`). */
  bases: Record<Controller, string>;
}

/** Where each cgroup v1 controller of this process lives (from /proc/self/mountinfo and /proc/self/cgroup): mount point + own path. */
export function ownGroups(mountinfo: string, selfCgroup: string): Partial<Record<Controller, string>> {
  const own = new Map<string, string>();
  for (const line of selfCgroup.split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m) for (const c of m[1]!.split(",")) own.set(c, m[2]!);
  }
  const out: Partial<Record<Controller, string>> = {};
  for (const line of mountinfo.split("\n")) {
    const [pre, post] = line.split(" - ");
    if (pre === undefined || post === undefined) continue;
    const [fstype, , superOptions = ""] = post.split(" ");
    if (fstype !== "cgroup") continue;
    const fields = pre.split(" ");
    const root = fields[3]!;
    const mountPoint = fields[4]!.replace(/\\040/g, " ");
    for (const c of CONTROLLERS) {
      if (!superOptions.split(",").includes(c)) continue;
      const ownPath = own.get(c);
      if (ownPath === undefined) continue;
      // The mount may show only part of the hierarchy (containers): own paths are relative to its root.
      const rel = root === "/" ? ownPath : ownPath.startsWith(root) ? ownPath.slice(root.length) : undefined;
      if (rel !== undefined) out[c] = path.join(mountPoint, rel);
    }
  }
  return out;
}

let probed: CgroupSupport | { problem: string } | undefined;

/** Whether per-run cgroups can be made here (cached). */
export function probeCgroups(): CgroupSupport | { problem: string } {
  if (probed !== undefined) return probed;
  if (process.env.QUIRE_CGROUPS === "off") return (probed = { problem: "QUIRE_CGROUPS=off" });
  let groups: Partial<Record<Controller, string>>;
  try {
    groups = ownGroups(readFileSync("/proc/self/mountinfo", "utf8"), readFileSync("/proc/self/cgroup", "utf8"));
  } catch (e) {
    return (probed = { problem: `cannot read /proc/self/mountinfo or /proc/self/cgroup: ${(e as Error).message}` });
  }
  const missing = CONTROLLERS.filter((c) => groups[c] === undefined);
  if (missing.length > 0) return (probed = { problem: `no cgroup v1 hierarchy for ${missing.join(", ")} (cgroup v2 alone is not used yet)` });
  const bases = {} as Record<Controller, string>;
  for (const c of CONTROLLERS) {
    const base = path.join(groups[c]!, "quire");
    const trial = path.join(base, `probe-${process.pid}`);
    try {
      mkdirSync(trial, { recursive: true });
      rmdirSync(trial);
    } catch (e) {
      return (probed = { problem: `cannot make cgroups under ${groups[c]} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    }
    bases[c] = base;
  }
  return (probed = { kind: "cgroup-v1", bases });
}

/** Shell that puts itself into each `cgroup.procs` given before `--`, then runs the rest. */
const ENTER =
  'while [ "$1" != -- ]; do echo $$ > "$1" || { echo "quire sandbox: cannot enter the cgroup $1" >&2; exit 125; }; shift; done; shift; exec "$@"';

function read(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The number after `key` on its own line of a flat-keyed cgroup file, or 0. */
function counter(text: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

function tasks(dir: string): number[] {
  return read(path.join(dir, "cgroup.procs"))
    .split("\n")
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
}

function groupDirs(support: CgroupSupport, name: string): Record<Controller, string> {
  return Object.fromEntries(CONTROLLERS.map((c) => [c, path.join(support.bases[c], name)])) as Record<Controller, string>;
}

/** The cgroups of one run: entered before the sandbox starts, read and removed after. */
export class RunCgroups {
  private constructor(
    readonly dirs: Record<Controller, string>,
    private readonly limits: RunLimits | undefined,
  ) {}

  /** Make (or reuse, after a crash) the groups of run `runId` and set its limits. Throws when the kernel refuses. */
  static create(support: CgroupSupport, runId: string, limits: RunLimits): RunCgroups {
    const dirs = groupDirs(support, `run-${runId}`);
    for (const c of CONTROLLERS) mkdirSync(dirs[c], { recursive: true });
    writeFileSync(path.join(dirs.memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
    // Memory plus swap, so swapping out does not slip past the limit (absent when swap accounting is off).
    const memsw = path.join(dirs.memory, "memory.memsw.limit_in_bytes");
    if (existsSync(memsw)) {
      try {
        writeFileSync(memsw, String(limits.memoryBytes));
      } catch {
        // Refused where swap accounting is compiled in but disabled: the memory limit still holds.
      }
    }
    writeFileSync(path.join(dirs.pids, "pids.max"), String(limits.processes));
    return new RunCgroups(dirs, limits);
  }

  /** Groups named `name` that a previous server left (no limits known: check() finds nothing). */
  static existing(support: CgroupSupport, name: string): RunCgroups {
    return new RunCgroups(groupDirs(support, name), undefined);
  }

  /** The argv prefix that starts a command inside these groups. */
  enterPrefix(): string[] {
    return ["sh", "-c", ENTER, "quire-enter", ...CONTROLLERS.map((c) => path.join(this.dirs[c], "cgroup.procs")), "--"];
  }

  /** Seconds of CPU time the run's processes have used. */
  cpuSeconds(): number {
    return Number(read(path.join(this.dirs.cpuacct, "cpuacct.usage")).trim() || 0) / 1e9;
  }

  /** The first limit the run went over, if any. */
  check(): LimitHit | undefined {
    if (this.limits === undefined) return undefined;
    const oomKills = counter(read(path.join(this.dirs.memory, "memory.oom_control")), "oom_kill");
    if (oomKills > 0) {
      return { limit: "memory", message: limitMessage("memory", this.limits, `the kernel stopped ${oomKills} of its processes for want of memory`) };
    }
    const refused = counter(read(path.join(this.dirs.pids, "pids.events")), "max");
    if (refused > 0) {
      return { limit: "processes", message: limitMessage("processes", this.limits, `${refused} attempt${refused === 1 ? " was" : "s were"} refused to start another`) };
    }
    const cpu = this.cpuSeconds();
    if (cpu > this.limits.cpuSeconds) {
      return { limit: "cpu-time", message: limitMessage("cpu-time", this.limits, `it used ${cpu.toFixed(1)} s and was stopped`) };
    }
    return undefined;
  }

  /** Every process still in the run's groups. */
  members(): number[] {
    return [...new Set(CONTROLLERS.flatMap((c) => tasks(this.dirs[c])))];
  }

  /** Kill whatever of the run is left (SIGKILL), wait until the groups are empty, remove them. */
  async release(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = this.members();
      if (left.length === 0) break;
      for (const pid of left) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of CONTROLLERS) {
      try {
        rmdirSync(this.dirs[c]);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") return false;
      }
    }
    return true;
  }
}

/** What a run's leftover groups are to the caller: its run still going, over, or not its run. */
export type GroupOwner = "live" | "dead" | "unknown";

/**
 * How old an empty group of a run the caller does not know must be before a
 * sweep removes it: another server on the same cgroup may have just made it
 * and be about to start its run inside.
 */
export const FOREIGN_GROUP_GRACE_MS = 10 * 60_000;

function ageMs(dir: string, nowMs: number): number {
  try {
    return nowMs - statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Groups left by runs whose server or runner died before releasing them:
 * those of runs `owner` says are over have their processes killed and go;
 * groups of runs it does not know go only when empty and older than
 * FOREIGN_GROUP_GRACE_MS (another server's run may be starting in a new
 * one); a live run's groups stay. Returns the run ids swept.
 */
export async function sweepRunCgroups(
  support: CgroupSupport,
  owner: (runId: string) => GroupOwner,
  options: { nowMs?: number; graceMs?: number } = {},
): Promise<string[]> {
  const nowMs = options.nowMs ?? Date.now();
  const graceMs = options.graceMs ?? FOREIGN_GROUP_GRACE_MS;
  const swept: string[] = [];
  let names: string[];
  try {
    names = readdirSync(support.bases.memory).filter((n) => n.startsWith("run-"));
  } catch {
    return swept;
  }
  for (const name of names) {
    const runId = name.slice(4);
    const state = owner(runId);
    if (state === "live") continue;
    const groups = RunCgroups.existing(support, name);
    if (state === "unknown" && (groups.members().length > 0 || ageMs(groups.dirs.memory, nowMs) < graceMs)) continue;
    if (await groups.release()) swept.push(runId);
  }
  return swept;
}
