// Per-run cgroups for real (cgroup v1 where the server may make them): limits
// written, a process entered through the prefix, CPU counted, release kills
// what is left; leftovers of a dead server swept: groups of runs that are
// over go, empty unknown ones only past a grace, another server's live group stays.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FOREIGN_GROUP_GRACE_MS, probeCgroups, RunCgroups, sweepRunCgroups } from "../src/runs/launchers/cgroups.js";
import { DEFAULT_RUN_LIMITS } from "../src/runs/launchers/limits.js";
import { waitFor } from "./helpers.js";

const support = probeCgroups();
const limits = { ...DEFAULT_RUN_LIMITS, memoryBytes: 64 * 1024 * 1024, processes: 16 };

/**
 * Start `argv` inside `groups`; resolves with its pid once it is in them. The
 * command's stdin is a pipe the test holds: `go()` writes a line to it, so a
 * script that begins with `read` does nothing (and cannot exit) until the test
 * has seen it enter its groups.
 */
async function startIn(groups: RunCgroups, argv: string[]): Promise<{ pid: number; go: () => void }> {
  const all = [...groups.enterPrefix(), ...argv];
  const child = spawn(all[0]!, all.slice(1), { stdio: ["pipe", "ignore", "ignore"], detached: true });
  child.unref();
  await waitFor(() => groups.members().includes(child.pid!), "the process to enter its groups");
  return {
    pid: child.pid!,
    go: () => {
      child.stdin!.end("go\n");
    },
  };
}


describe.skipIf("problem" in support)(`per-run cgroups${"problem" in support ? ` (skipped: ${support.problem})` : ""}`, () => {
  const s = support as Exclude<typeof support, { problem: string }>;

  it("holds a process to the limits written for its run, and release kills what is left", async () => {
    const groups = RunCgroups.create(s, `test-${process.pid}-a`, limits);
    // The shell waits for the go-ahead, then forks until the kernel refuses (dash exits when a fork fails).
    const { pid, go } = await startIn(groups, ["sh", "-c", "read x; i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i+1)); done; wait"]);
    go();
    await waitFor(() => groups.check()?.limit === "processes", "the process limit to be hit");
    expect(groups.check()!.message).toMatch(/limit of 16 processes \(:limits \{:processes …\}\): \d+ attempts? (was|were) refused/);
    expect(groups.members().length).toBeLessThanOrEqual(16);
    expect(await groups.release()).toBe(true);
    expect(groups.members()).toEqual([]);
    expect(existsSync(groups.dirs.pids)).toBe(false);
    await waitFor(() => !existsSync(`/proc/${pid}`) || undefined, "the shell to be gone");
  });

  it("sweeps what a dead server left: finished runs' groups go, empty unknown ones once past the grace, another server's live group stays", async () => {
    const id = (name: string) => `test-${process.pid}-${name}`;
    const owner = (runId: string) => (runId === id("done") ? "dead" : runId.startsWith(id("")) ? "unknown" : "live");
    const finished = RunCgroups.create(s, id("done"), limits);
    const { pid: pidDone } = await startIn(finished, ["sleep", "3001"]);
    const empty = RunCgroups.create(s, id("empty"), limits);
    const foreign = RunCgroups.create(s, id("foreign"), limits);
    const { pid: pidForeign } = await startIn(foreign, ["sleep", "3002"]);
    try {
      // Just made and still empty: another server may be about to start its run in it.
      const first = await sweepRunCgroups(s, owner);
      expect(first).toEqual([id("done")]);
      expect(existsSync(path.join(finished.dirs.memory))).toBe(false);
      expect(existsSync(empty.dirs.memory)).toBe(true);
      await waitFor(() => !existsSync(`/proc/${pidDone}`) || undefined, "the finished run's process to be killed");
      // The same empty group, seen once the grace is over, is a leftover.
      const later = await sweepRunCgroups(s, owner, { nowMs: Date.now() + FOREIGN_GROUP_GRACE_MS + 60_000 });
      expect(later).toEqual([id("empty")]);
      expect(existsSync(empty.dirs.memory)).toBe(false);
      expect(foreign.members()).toEqual([pidForeign]);
    } finally {
      await foreign.release();
    }
  });
});
