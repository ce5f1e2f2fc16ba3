// The bwrap launcher for real (Done means of the sandbox): real `quire serve`,
// real pushes, real quire-ci in a real bubblewrap sandbox. A job cannot read
// config.fnl, quire.db or another run's workspace, cannot see the host's
// processes, cannot reach the network with :network false, ends as
// resource-limit at its memory, process or CPU limit, ends timed-out past
// :run-timeout, and leaves no process behind when superseded, timed out or
// when quire-ci is killed with SIGKILL. It cannot write the system or
// quire-ci's files; a repository's own :launcher moves runs only towards
// more isolation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listShEvents } from "../../src/db/queries.js";
import { probeCgroups } from "../../src/runs/launchers/cgroups.js";
import { bwrapProblem } from "../../src/runs/launchers/start.js";
import { defaultWorkspacesDir } from "../../src/runs/workspaces.js";
import { tempDir } from "../git/git-helpers.js";
import { waitFor } from "../helpers.js";
import { newRepo, pipeline, pushRun, RunWatcher, startServe, type Serve } from "./harness.js";
import { processesMatching, processesOfRun } from "./processes.js";

const problem = process.platform === "linux" ? bwrapProblem() : "not Linux";
// Each test starts real runs (some a server of its own) and waits for them; on a
// loaded machine that takes longer than the default 30 s.
const cgroups = probeCgroups();

/** The text of sh `n` of `job` in run `id` (the quire log format's text lines). */
/** The quire-ci package the sandbox binds read-only. */
const quireCiPackage = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "quire-ci");

function shLog(data: string, repo: string, id: string, job: string, n = 1): string {
  const file = path.join(data, "runs", `${repo}.git`, id, "jobs", job, `sh-${n}.log`);
  return readFileSync(file, "utf8");
}

describe.skipIf(problem !== undefined)(`bwrap sandbox${problem ? ` (skipped: bwrap cannot start a sandbox here: ${problem})` : ""}`, { timeout: 120_000 }, () => {
  let data: string;
  let serve: Serve;
  let runs: RunWatcher;
  let tcp: net.Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    data = await tempDir("quire-sandbox-");
    serve = await startServe(data, `{:launcher "bwrap" :max-concurrent-runs 3 :secrets {:deploy "sandbox-secret-value"}}\n`);
    runs = new RunWatcher(data);
    tcp = net.createServer((s) => {
      connections++;
      s.end("hello\n");
    });
    await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
    port = (tcp.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    runs?.close();
    await serve?.stop();
    await new Promise<void>((r) => (tcp ? tcp.close(() => r()) : r()));
    if (data) await rm(data, { recursive: true, force: true });
  });

  it("quire serve and /healthz name the launcher; a run completes inside the sandbox", async () => {
    expect(serve.output()).toMatch(/quire serve: launcher bwrap: each run in its own sandbox/);
    const health = (await (await fetch(`${serve.url}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ok", launcher: "bwrap" });
    const work = await newRepo(data, "plain");
    const { id } = await pushRun(work, {
      ".quire/ci.fnl": pipeline(`(ci.job :hello [:quire/push] (fn [{: sh}] (sh "echo hello from $(hostname) in $PWD as $(id -un)")))`),
    });
    const { run } = await runs.settle(id);
    expect(run.state, `${run.error}\n${serve.output()}`).toBe("complete");
    expect(run.launcher).toBe("bwrap");
    expect(shLog(data, "plain", id, "hello")).toMatch(/hello from quire-run in \/workspace as nobody|hello from quire-run in \/workspace as \S+/);
  });

  it("a job cannot read config.fnl, quire.db, the repositories or another run's workspace, nor see the host's processes", async () => {
    // Run A holds its workspace open; run B, on another ref, looks for it.
    const work = await newRepo(data, "peek");
    const hold = await pushRun(work, {
      ".quire/ci.fnl": pipeline(`(ci.job :hold [:quire/push] (fn [{: sh}] (sh "echo held > marker-of-a && sleep 4711")))`),
    });
    const markerA = await waitFor(() => {
      const candidates = [path.join(defaultWorkspacesDir(), hold.id, "marker-of-a"), path.join(data, "runs", "peek.git", hold.id, "workspace", "marker-of-a")];
      return candidates.find((c) => existsSync(c));
    }, "run A's marker in its workspace", 20_000);
    const checks = {
      "read-config": `cat ${data}/config.fnl`,
      "read-db": `head -c 16 ${data}/quire.db`,
      "list-data": `ls ${data}`,
      "list-repos": `ls ${data}/repos/peek.git`,
      "read-other-workspace": `cat ${markerA}`,
      // Bracketed so the pattern does not match this very command line.
      "see-the-server": "grep -l 'qu[i]re\\.js' /proc/[0-9]*/cmdline",
      "see-run-a": "grep -l '47[1]1' /proc/[0-9]*/cmdline",
      "read-shadow": "cat /etc/shadow",
      // A run token is `<12 hex>.<43 base64url>`: in no process's environment or argv, nor on an open descriptor.
      "find-a-run-token": "grep -a -l -E '[0-9a-f]{12}[.][A-Za-z0-9_-]{43}' /proc/[0-9]*/environ /proc/[0-9]*/cmdline",
      "find-the-token-variable": "grep -a -l -E 'QUIRE__RUN_TOKEN|QUIRE__TOKEN=' /proc/[0-9]*/environ",
      "read-own-workspace": "cat .quire/ci.fnl",
      "write-home": "touch ~/x && test -w ~",
      "write-tmp": 'touch "$TMPDIR/x"',
      "write-usr": "touch /usr/quire-was-here",
      "write-etc": "touch /etc/quire-was-here",
      "write-quire-ci": `touch ${path.join(quireCiPackage, "quire-was-here")}`,
    };
    const script = Object.entries(checks)
      .map(([name, cmd]) => `if ${cmd} >/dev/null 2>&1; then echo "can ${name}"; else echo "cannot ${name}"; fi`)
      .join("\n");
    await import("node:child_process").then(({ execFileSync }) => execFileSync("git", ["-C", work, "checkout", "-q", "-b", "peek"]));
    const peek = await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :peek [:quire/push] (fn [{: sh}] (sh ${JSON.stringify(script)})))`) }, "peek", "peek");
    const { run } = await runs.settle(peek.id);
    expect(run.state, run.error ?? "").toBe("complete");
    const log = shLog(data, "peek", peek.id, "peek");
    for (const name of ["read-config", "read-db", "list-data", "list-repos", "read-other-workspace", "see-the-server", "see-run-a", "read-shadow", "find-a-run-token", "find-the-token-variable", "write-usr", "write-etc", "write-quire-ci"]) {
      expect(log, log).toContain(`cannot ${name}`);
    }
    for (const name of ["read-own-workspace", "write-home", "write-tmp"]) expect(log, log).toContain(`can ${name}`);
    expect(existsSync(path.join(quireCiPackage, "quire-was-here"))).toBe(false);
    // Run A was there all along, and its marker is readable from the host.
    expect(runs.get(hold.id).state).toBe("active");
    expect(readFileSync(markerA, "utf8")).toBe("held\n");
  });

  it("a repository that asks for the local launcher still runs in the sandbox, and its run's log says why", async () => {
    const work = await newRepo(data, "down");
    const { id } = await pushRun(work, {
      ".quire/ci.fnl": pipeline(`(ci.job :where [:quire/push] (fn [{: sh}] (sh "hostname")))`),
      ".quire/config.fnl": `{:launcher "local"}\n`,
    });
    const { run } = await runs.settle(id);
    expect(run.state, run.error ?? "").toBe("complete");
    expect(run.launcher).toBe("bwrap");
    expect(shLog(data, "down", id, "where")).toContain("quire-run");
    const runLog = readFileSync(path.join(data, "runs", "down.git", id, "quire-ci.log"), "utf8");
    expect(runLog).toContain("quire serve: .quire/config.fnl asks for the local launcher, but a repository may not leave the server's bwrap launcher; using bwrap");
  });

  it("a job with :network false cannot reach a port on the host; its sibling can", async () => {
    const work = await newRepo(data, "net");
    const reach = (id: string, opts: string) =>
      `(ci.job :${id} [:quire/push] (fn [{: sh}] (sh ["bash" "-c" "exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3"])) {:allow-failure true ${opts}})`;
    const before = connections;
    const { id } = await pushRun(work, { ".quire/ci.fnl": pipeline(`${reach("offline", ":network false")}\n${reach("online", "")}`) });
    const { run } = await runs.settle(id);
    expect(run.state, run.error ?? "").toBe("complete");
    const exits = Object.fromEntries(listShEvents(runs.db, id).map((s) => [s.jobId, s.exitCode]));
    expect(exits.online).toBe(0);
    expect(exits.offline).not.toBe(0);
    expect(connections - before).toBe(1);
  });

  it("a superseded run leaves no process behind, setsid and background ones included", async () => {
    const work = await newRepo(data, "supersede");
    const first = await pushRun(work, {
      ".quire/ci.fnl": pipeline(`(ci.job :bg [:quire/push] (fn [{: sh}] (sh "sleep 5101 & setsid sleep 5102 & sleep 5103")))`),
    });
    await waitFor(() => processesMatching(/^sleep 510[123]$/).length === 3, "the three sleeps of the first run", 20_000);
    await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :quick [:quire/push] (fn [{: sh}] (sh "true")))`) }, "second");
    const { run } = await runs.settle(first.id);
    expect(run.state).toBe("superseded");
    await waitFor(() => processesMatching(/^sleep 510[123]$/).length === 0, "no sleep of the superseded run left", 15_000);
    await waitFor(() => processesOfRun(first.id).length === 0, "the superseded run's cgroup empty", 20_000);
  });

  it("quire-ci killed with SIGKILL takes every process of its run with it", async () => {
    const work = await newRepo(data, "kill9");
    const { id } = await pushRun(work, {
      ".quire/ci.fnl": pipeline(`(ci.job :bg [:quire/push] (fn [{: sh}] (sh "sleep 5201 & setsid sleep 5202 & sleep 5203")))`),
    });
    await waitFor(() => processesMatching(/^sleep 520[123]$/).length === 3, "the three sleeps", 20_000);
    const quireCi = processesOfRun(id).find((p) => /quire-ci\.js/.test(p.cmd));
    expect(quireCi, JSON.stringify(processesOfRun(id))).toBeDefined();
    process.kill(quireCi!.pid, "SIGKILL");
    const { run } = await runs.settle(id);
    expect(run.state).toBe("failed");
    expect(run.failureKind).toBe("process-crashed");
    await waitFor(() => processesMatching(/^sleep 520[123]$/).length === 0, "no sleep left", 15_000);
  });
});

describe.skipIf(problem !== undefined || "problem" in cgroups)(
  `bwrap sandbox limits${problem ? ` (skipped: ${problem})` : "problem" in cgroups ? ` (skipped: ${cgroups.problem})` : ""}`,
  { timeout: 120_000 },
  () => {
    let data: string;
    let serve: Serve;
    let runs: RunWatcher;

    beforeAll(async () => {
      data = await tempDir("quire-limits-");
      serve = await startServe(data, `{:launcher "bwrap" :max-concurrent-runs 3 :limits {:memory (* 320 1024 1024) :processes 64 :cpu-time 4}}\n`);
      runs = new RunWatcher(data);
    });
    afterAll(async () => {
      runs?.close();
      await serve?.stop();
      if (data) await rm(data, { recursive: true, force: true });
    });

    const cases = [
      ["memory", `perl -e '$x = "a" x 900_000_000; print length $x'`, /memory limit of 320 MiB/],
      ["processes", "i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done; wait", /limit of 64 processes/],
      ["cpu-time", "(while :; do :; done) & while :; do :; done", /CPU time limit of 4 s/],
    ] as const;
    it.each(cases)("a run over its %s limit ends failed/resource-limit, naming the limit", async (limit, command, message) => {
      const work = await newRepo(data, `limit-${limit}`);
      const { id } = await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :hog [:quire/push] (fn [{: sh}] (sh ${JSON.stringify(command)})))`) });
      const { run } = await runs.settle(id, 60_000);
      expect(run.state, `${run.error}\n${serve.output()}`).toBe("failed");
      expect(run.failureKind, run.error ?? "").toBe("resource-limit");
      expect(run.error).toMatch(message);
      await waitFor(() => processesOfRun(id).length === 0, "nothing of the run left", 20_000);
    });
  },
);

describe.skipIf(problem !== undefined)(`limits without cgroups${problem ? ` (skipped: ${problem})` : ""}`, { timeout: 120_000 }, () => {
  it("fall back to prlimit on the sandbox's processes (QUIRE_CGROUPS=off), and a superseded run still leaves nothing", async () => {
    const data = await tempDir("quire-prlimit-");
    const serve = await startServe(data, `{:launcher "bwrap" :limits {:memory (* 700 1024 1024) :processes 77 :cpu-time 99}}\n`, { QUIRE_CGROUPS: "off" });
    const runs = new RunWatcher(data);
    try {
      expect(serve.output()).toMatch(/by prlimit per process \(no per-run cgroups: QUIRE_CGROUPS=off\)/);
      const work = await newRepo(data, "prlimit");
      const { id } = await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :limits [:quire/push] (fn [{: sh}] (sh "cat /proc/self/limits")))`) });
      const { run } = await runs.settle(id);
      expect(run.state, run.error ?? "").toBe("complete");
      const log = shLog(data, "prlimit", id, "limits");
      expect(log).toMatch(/Max cpu time\s+99\s+104\s+seconds/);
      expect(log).toMatch(/Max processes\s+77\s+77\s+processes/);
      expect(log).toMatch(new RegExp(`Max data size\\s+${700 * 1024 * 1024}\\s+${700 * 1024 * 1024}\\s+bytes`));
      expect(processesOfRun(id)).toEqual([]);
      // Without cgroups to sweep up after it, a superseded sandbox still leaves nothing behind.
      const held = await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :bg [:quire/push] (fn [{: sh}] (sh "sleep 5301 & setsid sleep 5302 & sleep 5303")))`) });
      await waitFor(() => processesMatching(/^sleep 530[123]$/).length === 3, "the three sleeps", 20_000);
      await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :quick [:quire/push] (fn [{: sh}] (sh "true")))`) }, "again");
      expect((await runs.settle(held.id)).run.state).toBe("superseded");
      await waitFor(() => processesMatching(/^sleep 530[123]$/).length === 0, "no sleep of the superseded run left", 15_000);
    } finally {
      runs.close();
      await serve.stop();
      await rm(data, { recursive: true, force: true });
    }
  });
});

describe.skipIf(problem !== undefined)(`wall time in the sandbox${problem ? ` (skipped: ${problem})` : ""}`, { timeout: 120_000 }, () => {
  it("a run past :run-timeout ends failed/timed-out, and nothing of it is left, background and setsid ones included", async () => {
    const data = await tempDir("quire-walltime-");
    const serve = await startServe(data, `{:launcher "bwrap" :run-timeout 4}\n`);
    const runs = new RunWatcher(data);
    try {
      const work = await newRepo(data, "slow");
      const { id } = await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 5401 & setsid sleep 5402 & sleep 5403")))`) });
      const { run } = await runs.settle(id, 60_000);
      expect(run.state, `${run.error}\n${serve.output()}`).toBe("failed");
      expect(run.failureKind).toBe("timed-out");
      expect(run.error).toMatch(/:run-timeout 4 s/);
      expect(run.launcher).toBe("bwrap");
      await waitFor(() => processesMatching(/^sleep 540[123]$/).length === 0, "no sleep of the timed-out run left", 15_000);
      await waitFor(() => processesOfRun(id).length === 0, "the timed-out run's cgroup empty", 20_000);
    } finally {
      runs.close();
      await serve.stop();
      await rm(data, { recursive: true, force: true });
    }
  });
});

describe.skipIf(problem !== undefined)(`a repository's own :launcher${problem ? ` (skipped: ${problem})` : ""}`, { timeout: 120_000 }, () => {
  it("moves its runs into the sandbox on a local server", async () => {
    const data = await tempDir("quire-repo-launcher-");
    const serve = await startServe(data, `{:launcher "local"}\n`);
    const runs = new RunWatcher(data);
    const job = `(ci.job :where [:quire/push] (fn [{: sh}] (sh "hostname")))`;
    try {
      const up = await newRepo(data, "up");
      const upRun = await pushRun(up, { ".quire/ci.fnl": pipeline(job), ".quire/config.fnl": `{:launcher "bwrap"}\n` });
      const plain = await newRepo(data, "plain");
      const plainRun = await pushRun(plain, { ".quire/ci.fnl": pipeline(job) });
      const settledUp = (await runs.settle(upRun.id)).run;
      expect(settledUp.state, settledUp.error ?? "").toBe("complete");
      expect(settledUp.launcher).toBe("bwrap");
      expect(shLog(data, "up", upRun.id, "where")).toContain("quire-run");
      const settledPlain = (await runs.settle(plainRun.id)).run;
      expect(settledPlain.state, settledPlain.error ?? "").toBe("complete");
      expect(settledPlain.launcher).toBe("local");
      expect(shLog(data, "plain", plainRun.id, "where")).not.toContain("quire-run");
    } finally {
      runs.close();
      await serve.stop();
      await rm(data, { recursive: true, force: true });
    }
  });
});

describe.skipIf(problem !== undefined)(`a sandbox that cannot start${problem ? ` (skipped: ${problem})` : ""}`, { timeout: 120_000 }, () => {
  it("fails the run as prepare-failed with bwrap's own message, and never runs it outside", async () => {
    const data = await tempDir("quire-nobwrap-");
    const serve = await startServe(data, `{:launcher "bwrap" :sandbox-binds ["/nonexistent-quire-toolchain"]}\n`);
    const runs = new RunWatcher(data);
    try {
      const work = await newRepo(data, "broken");
      const { id } = await pushRun(work, { ".quire/ci.fnl": pipeline(`(ci.job :x [:quire/push] (fn [{: sh}] (sh "touch ran-outside-${Date.now()}")))`) });
      const { run, seen } = await runs.settle(id);
      expect(run.state).toBe("failed");
      expect(run.failureKind).toBe("prepare-failed");
      expect(run.error).toMatch(/the sandbox could not start: bwrap: .*nonexistent-quire-toolchain/);
      expect(seen).not.toContain("active");
      expect(run.startedAtMs).toBeNull();
    } finally {
      runs.close();
      await serve.stop();
      await rm(data, { recursive: true, force: true });
    }
  });
});
