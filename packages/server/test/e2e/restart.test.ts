// Runs that finish while the server is down (issue item 5), end to end: a
// real `quire serve` is killed with SIGKILL while quire-ci runs; quire-ci
// carries on and writes run_finished to events.jsonl; the next `quire serve`
// resolves the run from that record instead of calling it orphaned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import { groupGone, waitFor } from "../helpers.js";
import { tempDir } from "../git/git-helpers.js";
import { newRepo, pipeline, pushRun, RunWatcher, startServe, type Serve } from "./harness.js";

let data: string;
let serve: Serve | undefined;
let runs: RunWatcher;
const cleanup: string[] = [];

beforeAll(async () => {
  data = await tempDir("quire-restart-");
  cleanup.push(data);
  runs = new RunWatcher(data);
});
afterAll(async () => {
  runs?.close();
  await serve?.stop();
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

async function killServerDuring(jobs: string): Promise<string> {
  serve = await startServe(data);
  const work = await newRepo(data, `r${cleanup.length}`);
  cleanup.push(work);
  const { id } = await pushRun(work, { ".quire/ci.fnl": pipeline(jobs) });
  // Once an event is in, quire-ci has its bootstrap answer and no longer needs the server.
  const pid = (await runs.until(id, (r) => r.state === "active" && r.pid !== null && r.lastEventSeq >= 2)).pid!;
  serve.proc.kill("SIGKILL");
  await serve.stop();
  serve = undefined;
  // quire-ci outlives the server and finishes its run.
  await waitFor(() => groupGone(pid), "quire-ci to finish with the server down", 30_000);
  expect(runs.get(id).state).toBe("active");
  return id;
}

describe("a run that finished while the server was down", () => {
  it("is resolved from its events.jsonl at the next start: complete", async () => {
    const id = await killServerDuring(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 1.5") (sh "echo done")))`);
    serve = await startServe(data);
    const { run } = await runs.settle(id);
    expect(run.state, run.error ?? "").toBe("complete");
    expect(runs.jobs(id).map((j) => [j.jobId, j.state])).toEqual([["slow", "complete"]]);
    expect(runs.sh(id).map((s) => s.exitCode)).toEqual([0, 0]);
    expect(serve.output()).toContain(`run ${id}: complete (quire-ci finished while the server was down; resolved from events.jsonl)`);
    await serve.stop();
    serve = undefined;
  });

  it("is resolved from its events.jsonl at the next start: failed/pipeline-failure, with the failed job", async () => {
    const id = await killServerDuring(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 1.5") (sh "exit 4")))
(ci.job :after [:slow] (fn [] nil))`);
    serve = await startServe(data);
    const { run } = await runs.settle(id);
    expect(`${run.state}/${run.failureKind}`).toBe("failed/pipeline-failure");
    expect(Object.fromEntries(runs.jobs(id).map((j) => [j.jobId, j.state]))).toEqual({ slow: "failed", after: "skipped" });
    expect(run.error).toContain("returned exit 4");
    await serve.stop();
    serve = undefined;
  });
});
