// Runners on other hosts, for real across a virtual network: the server in one
// network namespace, two runners (`quire runner start`) in others, joined by
// veth pairs. Runs execute on the runner whose labels fit; a runner killed
// mid-run loses its run, which is re-queued once and finishes elsewhere; a cut
// link (ip link set down) does the same, and the cut-off runner stops its copy;
// a restarted runner picks up nothing twice; :max-concurrent-runs holds per runner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { quire, quireBin, tempDir } from "../git/git-helpers.js";
import { waitFor } from "../helpers.js";
import { newRepo, pipeline, pushRun, RunWatcher, startServe, type Serve } from "./harness.js";
import { netnsProblem, VirtualNet } from "./netns.js";
import { processesMatching } from "./processes.js";

const problem = netnsProblem();

interface Runner {
  name: string;
  proc: ChildProcess;
  output(): string;
}

// Each test waits on several runs in turn across the virtual network; on a loaded
// machine that takes longer than the default 30 s.
describe.skipIf(problem !== undefined)(`runners across network namespaces${problem ? ` (skipped: ${problem})` : ""}`, { timeout: 120_000 }, () => {
  let net: VirtualNet;
  let data: string;
  let work: string;
  let serve: Serve;
  let runs: RunWatcher;
  let port: number;
  const links: Record<string, { dev: string; serverIp: string }> = {};
  const runners: Record<string, Runner> = {};
  const everything: string[] = [];

  function register(name: string, max = 1): string {
    const r = quire(data, ["runner", "new", name, "--max-concurrent-runs", String(max), "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const file = path.join(work, `${name}.token`);
    writeFileSync(file, (JSON.parse(r.stdout) as { token: string }).token, { mode: 0o600 });
    return file;
  }

  async function startRunner(name: string, labels: string): Promise<Runner> {
    const dir = path.join(work, `${name}-work`);
    mkdirSync(dir, { recursive: true });
    const proc = net.spawn(
      name,
      [process.execPath, quireBin, "runner", "start", "--server", `http://${links[name]!.serverIp}:${port}`, "--token-file", path.join(work, `${name}.token`), "--labels", labels, "--work-dir", dir],
      { ...process.env },
    );
    let out = "";
    proc.stdout!.on("data", (d) => (out += d));
    proc.stderr!.on("data", (d) => (out += d));
    const runner = { name, proc, output: () => out };
    everything.push(`--- ${name} (started)`);
    proc.on("exit", () => everything.push(`--- ${name}:\n${out}`));
    await waitFor(() => /is running as agent/.test(out) || undefined, `runner ${name} to connect:\n${out}`, 20_000);
    runners[name] = runner;
    return runner;
  }

  async function kill9(name: string): Promise<void> {
    const r = runners[name]!;
    r.proc.kill("SIGKILL");
    await waitFor(() => r.proc.exitCode !== null || r.proc.signalCode !== null, `runner ${name} to die`);
  }

  /** Why a failing expectation failed: both runners' output and the server's. */
  const story = () => `${serve.output()}\n${Object.values(runners).map((r) => `--- ${r.name}\n${r.output()}`).join("\n")}`;

  beforeAll(async () => {
    net = new VirtualNet();
    links.r1 = { dev: net.link("srv", "r1", 1).devA, serverIp: "10.231.1.1" };
    links.r2 = { dev: net.link("srv", "r2", 2).devA, serverIp: "10.231.2.1" };
    data = await tempDir("quire-runners-");
    work = await tempDir("quire-runners-work-");
    serve = await startServe(data, `{:launcher "remote" :runner-timeout 3}\n`, {}, { prefix: net.prefix("srv"), bind: "0.0.0.0" });
    port = Number(new URL(serve.url).port);
    runs = new RunWatcher(data);
    register("r1", 2);
    register("r2", 1);
    await startRunner("r1", "alpha");
    await startRunner("r2", "beta");
  }, 60_000);

  afterAll(async () => {
    runs?.close();
    await serve?.stop();
    net?.destroy();
    for (const d of [data, work]) if (d) await rm(d, { recursive: true, force: true });
  });

  it("runs execute on a runner across the network, on the one whose labels fit, with logs streamed back", async () => {
    const beta = await newRepo(data, "beta-only");
    const { id } = await pushRun(beta, {
      ".quire/config.fnl": "{:runs-on [:beta]}\n",
      ".quire/ci.fnl": pipeline(`(ci.job :hello [:quire/push] (fn [{: sh}] (sh "echo hello from $(hostname) && seq 1 3")))`),
    });
    const { run } = await runs.settle(id, 30_000);
    expect(run.state, `${run.error}\n${story()}`).toBe("complete");
    expect(run).toMatchObject({ launcher: "remote", runner: "r2", runsOnJson: '["beta"]' });
    const show = quire(data, ["ci", "show", id]);
    expect(show.stdout).toMatch(/job hello\s+complete/);
    const log = path.join(data, "runs", "beta-only.git", id, "jobs", "hello", "sh-1.log");
    expect((await import("node:fs")).readFileSync(log, "utf8")).toMatch(/hello from quire-run[\s\S]*\n3\n/);
    expect(runners.r2!.output()).toContain(`run ${id}: started quire-ci`);
    expect(runners.r1!.output()).not.toContain(`run ${id}`);
  });

  it("the pipeline's own :runs-on (ci.options) routes the run as well", async () => {
    const repo = await newRepo(data, "pipeline-labels");
    const { id } = await pushRun(repo, {
      ".quire/ci.fnl": pipeline(`(ci.options {:runs-on [:alpha]})\n(ci.job :hello [:quire/push] (fn [{: sh}] (sh "echo on alpha")))`),
    });
    const { run } = await runs.settle(id, 30_000);
    expect(run.state, `${run.error}\n${story()}`).toBe("complete");
    expect(run).toMatchObject({ runner: "r1", runsOnJson: '["alpha"]' });
  });

  it(":max-concurrent-runs holds per runner: r1 (2) never holds three of three alpha runs at once", async () => {
    const alpha = await newRepo(data, "alpha-only");
    const ids: string[] = [];
    for (const ref of ["a", "b", "c"]) {
      const files = { ".quire/config.fnl": "{:runs-on [:alpha]}\n", ".quire/ci.fnl": pipeline(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 2")))`) };
      const r = await pushRun(alpha, { ...files, [`${ref}.txt`]: ref }, ref, ref);
      ids.push(r.id);
    }
    let most = 0;
    await waitFor(() => {
      const held = ids.map((id) => runs.get(id)).filter((r) => r.runner === "r1" && (r.state === "pending" || r.state === "active")).length;
      most = Math.max(most, held);
      return ids.every((id) => runs.get(id).state === "complete");
    }, `three alpha runs to complete\n${story()}`, 60_000);
    expect(most).toBe(2);
    expect(ids.map((id) => runs.get(id).runner)).toEqual(["r1", "r1", "r1"]);
  });

  it("supersede and cancel reach the remote run: the runner stops it and nothing of it is left", async () => {
    const repo = await newRepo(data, "stopped");
    const first = await pushRun(repo, { ".quire/ci.fnl": pipeline(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 8.11")))`) });
    await runs.until(first.id, (r) => r.state === "active" && r.runner !== null, 30_000);
    await waitFor(() => processesMatching(/^sleep 8\.11$/).length === 1, "the first run's sleep", 20_000);
    const second = await pushRun(repo, { ".quire/ci.fnl": pipeline(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 8.12")))`) });
    expect((await runs.settle(first.id)).run).toMatchObject({ state: "superseded", supersededBy: second.id });
    await waitFor(() => processesMatching(/^sleep 8\.11$/).length === 0, `the superseded run's sleep to stop\n${story()}`, 15_000);
    await runs.until(second.id, (r) => r.state === "active" && r.runner !== null, 30_000);
    await waitFor(() => processesMatching(/^sleep 8\.12$/).length === 1, "the second run's sleep", 20_000);
    expect(quire(data, ["ci", "cancel", second.id]).status).toBe(0);
    expect((await runs.settle(second.id)).run.state).not.toBe("complete");
    await waitFor(() => processesMatching(/^sleep 8\.12$/).length === 0, `the cancelled run's sleep to stop\n${story()}`, 15_000);
  });

  it("a runner killed mid-run: its run fails runner-lost, is re-queued once and completes on the other runner; nothing of it is left", async () => {
    const repo = await newRepo(data, "killed");
    const { id } = await pushRun(repo, { ".quire/ci.fnl": pipeline(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 6.31")))`) });
    const first = await runs.until(id, (r) => r.state === "active" && r.runner !== null, 30_000);
    await waitFor(() => processesMatching(/^sleep 6\.31$/).length === 1, "the job's sleep to start", 20_000);
    const victim = first.runner!;
    const other = victim === "r1" ? "r2" : "r1";
    await kill9(victim);
    // The agent's runs die with it (setpriv --pdeathsig on each run).
    await waitFor(() => processesMatching(/^sleep 6\.31$/).length === 0, "the killed runner's run to die with it", 10_000);
    const lost = (await runs.settle(id, 30_000)).run;
    expect(lost.state, story()).toBe("failed");
    expect(lost.failureKind).toBe("runner-lost");
    expect(lost.error).toMatch(new RegExp(`runner ${victim} was not heard from`));
    const again = runs.db.sqlite.prepare("SELECT id FROM runs WHERE requeued_from = ?").get(id) as { id: string };
    const { run } = await runs.settle(again.id, 40_000);
    expect(run.state, story()).toBe("complete");
    expect(run.runner).toBe(other);
    await startRunner(victim, victim === "r1" ? "alpha" : "beta");
  });

  it("a runner restarted mid-run picks up nothing twice: its run is lost at once and re-queued, never run again under its id", async () => {
    const repo = await newRepo(data, "restarted");
    // Only r1 may take it, so the re-queued run waits for r1's new agent.
    const { id } = await pushRun(repo, { ".quire/config.fnl": "{:runs-on [:alpha]}\n", ".quire/ci.fnl": pipeline(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 3.17")))`) });
    await runs.until(id, (r) => r.state === "active" && r.runner === "r1", 30_000);
    await kill9("r1");
    const lostAt = Date.now();
    await startRunner("r1", "alpha");
    const lost = (await runs.settle(id, 30_000)).run;
    expect(lost.failureKind).toBe("runner-lost");
    expect(lost.error).toMatch(/runner r1 restarted while it held the run/);
    // Lost on the new agent's hello, not after the 3 s timeout.
    expect(lost.finishedAtMs! - lostAt).toBeLessThan(3000 + 2000);
    const again = runs.db.sqlite.prepare("SELECT id FROM runs WHERE requeued_from = ?").get(id) as { id: string };
    expect((await runs.settle(again.id, 40_000)).run).toMatchObject({ state: "complete", runner: "r1" });
    const starts = `${everything.join("\n")}\n${runners.r1!.output()}\n${runners.r2!.output()}`.match(new RegExp(`run ${id}: started quire-ci`, "g")) ?? [];
    expect(starts).toHaveLength(1);
  });

  it("the network cut (ip link set down): the run fails runner-lost and completes elsewhere, the cut-off runner stops its copy, and comes back when the link does", async () => {
    const repo = await newRepo(data, "cut");
    const { id } = await pushRun(repo, { ".quire/ci.fnl": pipeline(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 7.43")))`) });
    const first = await runs.until(id, (r) => r.state === "active" && r.runner !== null, 30_000);
    await waitFor(() => processesMatching(/^sleep 7\.43$/).length === 1, "the job's sleep to start", 20_000);
    const victim = first.runner!;
    const other = victim === "r1" ? "r2" : "r1";
    net.setLink("srv", links[victim]!.dev, "down");
    try {
      const lost = (await runs.settle(id, 30_000)).run;
      expect(lost.failureKind, story()).toBe("runner-lost");
      const again = runs.db.sqlite.prepare("SELECT id FROM runs WHERE requeued_from = ?").get(id) as { id: string };
      // The cut-off runner gives its copy up on its own once the server has been silent past the timeout.
      await waitFor(() => runners[victim]!.output().includes(`has not answered for`) || undefined, `runner ${victim} to notice\n${story()}`, 20_000);
      const { run } = await runs.settle(again.id, 40_000);
      expect(run).toMatchObject({ state: "complete", runner: other });
      expect(processesMatching(/^sleep 7\.43$/)).toEqual([]);
    } finally {
      net.setLink("srv", links[victim]!.dev, "up");
    }
    // Back on the network, the same agent is heard from again and takes work.
    const seen = Date.now();
    await waitFor(() => {
      const row = JSON.parse(quire(data, ["runner", "list", "--json"]).stdout) as { name: string; last_seen_at_ms: number | null }[];
      return (row.find((r) => r.name === victim)?.last_seen_at_ms ?? 0) > seen || undefined;
    }, `runner ${victim} to be heard from again`, 20_000);
    expect(runners[victim]!.proc.exitCode).toBeNull();
  });
});
