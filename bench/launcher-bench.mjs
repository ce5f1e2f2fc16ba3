// Launcher figures: what the bwrap sandbox costs against the local launcher,
// per run (launcher set-up + spawn → the bootstrap request; and the whole
// run) and per sh, and what the local launcher's sh costs against a bare
// spawn of the same command from Node, all measured in this one process with
// the sides taking turns (the order alternates round by round) so they see
// the same machine load. Each figure is the median of its rounds, with the
// spread [lowest–highest]; a ratio is the median of the rounds' own ratios.
// Usage: node bench/launcher-bench.mjs [--quick] [--rounds N]   (after pnpm build; bwrap on PATH)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { apiServer, TOKEN, workspace } from "./lib/server-mode.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => import(pathToFileURL(path.join(root, "packages/server/dist", p)).href);
const { spawnPlan, executorEnv, defaultExecutor } = await dist("runs/spawn.js");
const { localLauncher } = await dist("runs/launchers/local.js");
const { hostLauncher } = await dist("runs/launchers/choose.js");
const { DEFAULT_RUN_LIMITS } = await dist("runs/launchers/limits.js");
const { probeContainment } = await dist("runs/containment.js");
const { limitsMechanism } = await dist("runs/launchers/guard.js");
const { probeCgroups, RunCgroups } = await dist("runs/launchers/cgroups.js");

const quick = process.argv.includes("--quick");
const roundsAt = process.argv.indexOf("--rounds");
const roundsArg = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : undefined;
if (roundsArg !== undefined && !(Number.isInteger(roundsArg) && roundsArg >= 1)) {
  console.error(`--rounds takes a whole number of rounds, at least 1, e.g. --rounds 8 (got ${JSON.stringify(process.argv[roundsAt + 1] ?? "")})`);
  process.exit(2);
}
/** Rounds of one section: --rounds N, else its default (fewer with --quick). */
const rounds = (normal, fast) => roundsArg ?? (quick ? fast : normal);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;
/** A figure as its median and the spread of its rounds. */
const spread = (xs, show = fmt) => (xs.length > 1 ? `${show(median(xs))} [${show(Math.min(...xs))}–${show(Math.max(...xs))}]` : show(xs[0]));
const times = (x) => `${x.toFixed(2)}×`;
/** The median of the per-round ratios a[i] / b[i], with their spread. */
const ratio = (a, b) => spread(a.map((x, i) => x / b[i]), times);
/** The sides in round `i`: turned around every other round. */
const turn = (sides, i) => (i % 2 === 0 ? sides : [...sides].reverse());

if (spawnSync("bwrap", ["--version"]).status !== 0) {
  console.log("launcher bench skipped: bwrap is not on PATH");
  process.exit(0);
}
const cgroups = probeCgroups();
const containment = probeContainment();
const launchers = {
  local: localLauncher({ prefix: containment.prefix }),
  bwrap: hostLauncher("bwrap", { limits: DEFAULT_RUN_LIMITS, sandboxUser: "nobody", sandboxBinds: [] }),
};
const executor = defaultExecutor();
const api = await apiServer();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "quire-launcher-bench-"));
let counter = 0;

/** One run of `ciFnl` through `name`: times from before the launcher's set-up. */
async function runVia(name, ws, options = {}) {
  const id = `bench${String(++counter).padStart(7, "0")}`;
  const runDir = path.join(scratch, id);
  const wsCopy = path.join(scratch, `${id}-ws`);
  fs.mkdirSync(runDir);
  fs.cpSync(ws, wsCopy, { recursive: true });
  const dirs = { runDir, workspace: wsCopy, eventsFile: path.join(runDir, "events.jsonl"), logFile: path.join(runDir, "quire-ci.log") };
  const t0 = performance.now();
  const plan = launchers[name].plan({ runId: id, executor, dirs, serverUrl: api.url, env: executorEnv() });
  // CPU time is counted by a cgroup: bwrap's own; for local, one made here around it.
  const meter = options.cpu && name === "local" ? RunCgroups.create(cgroups, `bench-${id}`, DEFAULT_RUN_LIMITS) : undefined;
  const argv = [...(meter?.enterPrefix() ?? []), plan.command, ...plan.args];
  const child = spawnPlan({ ...plan, command: argv[0], args: argv.slice(1) }, { logFile: dirs.logFile, token: TOKEN });
  const code = await new Promise((r) => child.on("exit", (c, s) => r(c ?? s)));
  const ended = performance.now();
  const cpu = options.cpu ? 1000 * (meter ? (await settledCpu(meter)) : plan.guard.cpuSeconds()) : undefined;
  await meter?.release();
  await plan.guard.release();
  if (code !== 0) throw new Error(`${name} run exited ${code}:\n${fs.readFileSync(dirs.logFile, "utf8")}`);
  const events = fs.readFileSync(dirs.eventsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.rmSync(wsCopy, { recursive: true, force: true });
  return { toBootstrap: api.state.bootstrapAt - t0, total: ended - t0, events, cpu };
}

/** A group's CPU once its last process is gone (the kernel adds a process's time when it exits). */
async function settledCpu(groups) {
  for (let i = 0; i < 100 && groups.members().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return groups.cpuSeconds();
}

function bareSpawn(argv) {
  return new Promise((resolve) => {
    const c = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    c.stdout.resume();
    c.stderr.resume();
    c.on("close", resolve);
  });
}

console.log(`launchers: local (${containment.description}); bwrap with ${limitsMechanism().description}`);

// 1. Per run: set-up + spawn → bootstrap request, and set-up → exit, of a one-job run.
{
  const ws = workspace(`(local ci (require :quire.ci))\n(ci.job :x [:quire/push] (fn [{: sh}] (sh "true")))\n`);
  const n = rounds(12, 4);
  const s = { local: { boot: [], total: [] }, bwrap: { boot: [], total: [] } };
  await runVia("local", ws);
  await runVia("bwrap", ws);
  for (let i = 0; i < n; i++) {
    for (const name of turn(["local", "bwrap"], i)) {
      const r = await runVia(name, ws);
      s[name].boot.push(r.toBootstrap);
      s[name].total.push(r.total);
    }
  }
  const more = (a, b) => a.map((x, i) => x - b[i]);
  console.log(
    `per run, start → bootstrap:  local ${spread(s.local.boot)}, bwrap ${spread(s.bwrap.boot)}: bwrap costs ${spread(more(s.bwrap.boot, s.local.boot))} more (goal ≤ +20 ms; ${n} rounds)`,
  );
  console.log(`per run, start → exit:       local ${spread(s.local.total)}, bwrap ${spread(s.bwrap.total)}: ${spread(more(s.bwrap.total, s.local.total))} more (one job, one sh)`);
}

// 2. Per sh, inside each launcher, and the local launcher's sh against a bare spawn of the same command.
async function perSh(command, N, n) {
  const ws = workspace(`(local ci (require :quire.ci))
(ci.job :many [:quire/push]
  (fn [{: sh}]
    (for [i 1 ${N}] (sh ${JSON.stringify(command)}))))
`);
  const per = { local: [], bwrap: [], bare: [] };
  for (let round = 0; round < n; round++) {
    for (const name of turn(["local", "bwrap", "bare"], round)) {
      if (name === "bare") {
        const t = performance.now();
        for (let i = 0; i < N; i++) await bareSpawn(["sh", "-c", command]);
        per.bare.push((performance.now() - t) / N);
        continue;
      }
      const { events } = await runVia(name, ws);
      const first = events.find((e) => e.type === "sh_started");
      const last = events.filter((e) => e.type === "sh_finished").at(-1);
      per[name].push((last.at_ms - first.at_ms) / N);
    }
  }
  console.log(
    `per sh (${command}), wall:`.padEnd(29) +
      `local ${spread(per.local)}, bwrap ${spread(per.bwrap)}: ${ratio(per.bwrap, per.local)} (goal ≤ 1.2×); ` +
      `bare spawn of sh -c from Node ${spread(per.bare)}: local is ${ratio(per.local, per.bare)} (goal ≤ 1.2×); ${n} rounds of ${N}`,
  );
}
await perSh("true", quick ? 20 : 40, rounds(8, 3));

// 3. The same per sh in CPU time, counted by cgroups (every process of the run,
// whoever reaps it), which the machine's load moves far less than wall time:
// (CPU of a run of N `true`s − CPU of a run of none) / N, against the CPU of N
// bare spawns from a small Node process (minus that process doing none).
if ("problem" in cgroups) console.log(`per sh, CPU time: not measured (${cgroups.problem})`);
else {
  const N = quick ? 100 : 300;
  const many = workspace(`(local ci (require :quire.ci))\n(ci.job :many [:quire/push] (fn [{: sh}] (for [i 1 ${N}] (sh "true"))))\n`);
  const none = workspace(`(local ci (require :quire.ci))\n(ci.job :many [:quire/push] (fn [{: sh}] nil))\n`);
  const bareScript = path.join(scratch, "bare.mjs");
  fs.writeFileSync(
    bareScript,
    `import { spawn } from "node:child_process";\nfor (let i = 0; i < Number(process.argv[2]); i++) await new Promise((r) => { const c = spawn("sh", ["-c", "true"], { stdio: ["ignore", "pipe", "pipe"] }); c.stdout.resume(); c.stderr.resume(); c.on("close", r); });\n`,
  );
  const bareCpu = async (n) => {
    const g = RunCgroups.create(cgroups, `bench-bare-${++counter}`, DEFAULT_RUN_LIMITS);
    const argv = [...g.enterPrefix(), process.execPath, bareScript, String(n)];
    await new Promise((r) => spawn(argv[0], argv.slice(1), { stdio: "ignore" }).on("close", r));
    const ms = 1000 * (await settledCpu(g));
    await g.release();
    return ms;
  };
  const cpu = { local: [], bwrap: [], bare: [] };
  const n = rounds(8, 3);
  for (let round = 0; round < n; round++) {
    for (const name of turn(["local", "bwrap", "bare"], round)) {
      if (name === "bare") cpu.bare.push(((await bareCpu(N)) - (await bareCpu(0))) / N);
      else {
        const a = await runVia(name, many, { cpu: true });
        const b = await runVia(name, none, { cpu: true });
        cpu[name].push((a.cpu - b.cpu) / N);
      }
    }
  }
  const ms2 = (ms) => `${ms.toFixed(2)} ms`;
  console.log(
    `per sh (true), CPU time:     local ${spread(cpu.local, ms2)}, bwrap ${spread(cpu.bwrap, ms2)}: ${ratio(cpu.bwrap, cpu.local)} (goal ≤ 1.2×); ` +
      `bare spawn from Node ${spread(cpu.bare, ms2)}: local is ${ratio(cpu.local, cpu.bare)} (goal ≤ 1.2×); ${n} rounds of ${N}`,
  );
}

api.server.close();
fs.rmSync(scratch, { recursive: true, force: true });
console.log(`(figures: median [lowest–highest] of the rounds; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores: the machine is shared; figures move with its load)`);
