// Nothing a run started outlives it (issue item 1), end to end: a real
// `quire serve`, real quire-ci, and commands that leave background and
// setsid() children behind. quire-ci is killed with SIGKILL (itself, or the
// process the server recorded), or superseded while its Lua VM is busy and
// cannot handle SIGTERM; afterwards no process of the run is alive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import { childrenOf, processesMatching, waitFor } from "../helpers.js";
import { tempDir } from "../git/git-helpers.js";
import { newRepo, pipeline, pushRun, RunWatcher, startServe, type Serve } from "./harness.js";

let data: string;
let serve: Serve;
let runs: RunWatcher;
const cleanup: string[] = [];
// Unique to this test file, so other processes on the machine never match.
const tag = String(process.pid % 1000).padStart(3, "0");

beforeAll(async () => {
  data = await tempDir("quire-contain-");
  cleanup.push(data);
  serve = await startServe(data, "{:max-parallel-jobs 2}\n");
  runs = new RunWatcher(data);
});
afterAll(async () => {
  runs?.close();
  await serve?.stop();
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

/** A job whose command leaves a background sleeper and a setsid() one behind, then waits. */
function sleepers(marker: string): string {
  return `(ci.job :sleepers [:quire/push]
  (fn [{: sh}] (sh "sleep 41.${marker}1 & setsid sleep 41.${marker}2 & sleep 41.${marker}3")))`;
}

async function startedSleepers(marker: string): Promise<number[]> {
  return waitFor(() => {
    const found = ["1", "2", "3"].flatMap((n) => processesMatching(`sleep 41.${marker}${n}`));
    return found.length === 3 && found;
  }, "the run's three sleepers to start", 20_000);
}

describe("containment: no process of a terminal run is alive", () => {
  for (const victim of ["quire-ci", "the recorded executor pid"] as const) {
    it(`after kill -9 of ${victim}, the run ends and its commands are gone`, async () => {
      const marker = `${tag}${victim === "quire-ci" ? 1 : 2}`;
      const work = await newRepo(data, `contain-${marker}`);
      cleanup.push(work);
      const { id } = await pushRun(work, { ".quire/ci.fnl": pipeline(sleepers(marker)) });
      const pids = await startedSleepers(marker);
      const recorded = (await runs.until(id, (r) => r.pid !== null)).pid!;
      // The executor the server records may wrap quire-ci (its PID namespace's init): kill quire-ci itself too.
      const target = victim === "quire-ci" ? (childrenOf(recorded)[0] ?? recorded) : recorded;
      process.kill(target, "SIGKILL");
      const { run } = await runs.settle(id, 30_000);
      expect(`${run.state}/${run.failureKind}`).toBe("failed/process-crashed");
      // Terminal means empty: not one sleeper left, however they were started.
      await waitFor(() => pids.every((pid) => processesMatching(`sleep 41.${marker}`).indexOf(pid) < 0), "the sleepers to be gone", 5000);
      expect(processesMatching(`sleep 41.${marker}`)).toEqual([]);
    });
  }

  it("a run superseded while its VM is busy (SIGTERM cannot be handled) leaves no process behind", async () => {
    const marker = `${tag}3`;
    const work = await newRepo(data, `contain-${marker}`);
    cleanup.push(work);
    const first = await pushRun(work, {
      ".quire/ci.fnl": pipeline(`${sleepers(marker)}
(ci.job :spin [:quire/push] (fn [] (while true nil)))`),
    });
    const pids = await startedSleepers(marker);
    await runs.until(first.id, (r) => r.state === "active");
    const second = await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :ok [:quire/push] (fn [{: sh}] (sh "true")))`) }, "replace");
    const { run } = await runs.settle(first.id, 30_000);
    expect(run.state).toBe("superseded");
    expect(run.supersededBy).toBe(second.id);
    // The kill escalates to SIGKILL after the grace period; the pid is cleared once the group is gone.
    await runs.until(first.id, (r) => r.pid === null, 30_000);
    await waitFor(() => processesMatching(`sleep 41.${marker}`).length === 0, "the sleepers to be gone", 5000);
    expect(pids.length).toBe(3);
    expect((await runs.settle(second.id, 30_000)).run.state).toBe("complete");
  });
});
