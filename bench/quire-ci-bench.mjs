// quire-ci figures: process start → bootstrap request, per-sh overhead against
// a bare spawn of the same command, per-job overhead, compile time of a
// typical ci.fnl. Runs the built program (dist/) against a loopback server.
// Usage: node bench/quire-ci-bench.mjs [--quick]   (after pnpm build)
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { apiServer, runServerMode, workspace } from "./lib/server-mode.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

function bareSpawn(argv) {
  return new Promise((resolve) => {
    const c = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    c.stdout.resume();
    c.stderr.resume();
    c.on("close", resolve);
  });
}

const api = await apiServer();

// 1. process start → bootstrap request
{
  const ws = workspace(`(local ci (require :quire.ci))\n(ci.job :x [:quire/push] (fn [] nil))\n`);
  const samples = [];
  for (let i = 0; i < 8; i++) {
    const { spawnedAt } = await runServerMode(api, ws);
    samples.push(api.state.bootstrapAt - spawnedAt);
  }
  const nodeBare = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await bareSpawn([process.execPath, "-e", "0"]);
    nodeBare.push(performance.now() - t);
  }
  console.log(
    `start → bootstrap request:  median ${fmt(median(samples))}, best ${fmt(Math.min(...samples))} (target < 150 ms; ` +
      `a bare \`node -e 0\` runs start to exit in median ${fmt(median(nodeBare))}, best ${fmt(Math.min(...nodeBare))})`,
  );
}

// 1b. a one-job `echo` run as the push bench has it: bootstrap answered →
// first job started and → sh finished, and process start → exit.
{
  const ws = workspace(`(local ci (require :quire.ci))\n(ci.job :hello [:quire/push] (fn [{: sh}] (sh "echo hello")))\n`);
  const toJob = [];
  const toSh = [];
  const total = [];
  for (let i = 0; i < 8; i++) {
    const { spawnedAt, exitedAt, events } = await runServerMode(api, ws);
    const at = (type) => events.find((e) => e.type === type).at_ms - api.state.bootstrapAtMs;
    toJob.push(at("job_started"));
    toSh.push(at("sh_finished"));
    total.push(exitedAt - spawnedAt);
  }
  console.log(
    `one-job echo run:           bootstrap → job_started median ${fmt(median(toJob))}, → sh_finished median ${fmt(median(toSh))}; ` +
      `process start → exit median ${fmt(median(total))}, best ${fmt(Math.min(...total))}`,
  );
}

if (process.argv.includes("--quick")) {
  api.server.close();
  process.exit(0);
}

// 2. per-sh overhead against a bare spawn of the same command: the cheapest
// command there is (where fixed costs show most), and one that takes ~20 ms.
async function perSh(command, N, rounds) {
  const ws = workspace(`(local ci (require :quire.ci))
(ci.job :many [:quire/push]
  (fn [{: sh}]
    (for [i 1 ${N}] (sh ${JSON.stringify(command)}))))
`);
  const ours = [];
  const bare = [];
  // Rounds alternate so both sides see the same machine load.
  for (let round = 0; round < rounds; round++) {
    const { events } = await runServerMode(api, ws);
    // Wall time per sh as the pipeline sees it, Lua call and events included.
    const first = events.find((e) => e.type === "sh_started");
    const last = events.filter((e) => e.type === "sh_finished").at(-1);
    ours.push((last.at_ms - first.at_ms) / N);
    const t = performance.now();
    for (let i = 0; i < N; i++) await bareSpawn(["sh", "-c", command]);
    bare.push((performance.now() - t) / N);
  }
  const ratios = ours.map((x, i) => x / bare[i]);
  const pct = (r) => `${((r - 1) * 100).toFixed(0)}%`;
  console.log(
    `per-sh (${command}):`.padEnd(28) +
      `${fmt(median(ours))} per sh vs ${fmt(median(bare))} per bare spawn of sh -c (medians); ` +
      `overhead per round: median ${pct(median(ratios))}, best ${pct(Math.min(...ratios))} (target within 20%)`,
  );
}
await perSh("true", 40, 5);
await perSh("sleep 0.02", 15, 3);

// 3. per-job overhead
{
  const M = 150;
  const jobs = Array.from({ length: M }, (_, i) => `(ci.job :j${i} [${i === 0 ? ":quire/push" : `:j${i - 1}`}] (fn [] nil))`).join("\n");
  const ws = workspace(`(local ci (require :quire.ci))\n${jobs}\n`);
  const per = [];
  for (let round = 0; round < 3; round++) {
    const { events } = await runServerMode(api, ws);
    const first = events.find((e) => e.type === "job_started");
    const last = events.filter((e) => e.type === "job_finished").at(-1);
    per.push((last.at_ms - first.at_ms) / M);
  }
  console.log(`per-job:                    ${fmt(median(per))} per job with an empty run-fn (${M} chained jobs; target < 5 ms)`);
}

// 4. compile time of a typical ci.fnl
{
  const { compileString } = await import(pathToFileURL(path.join(root, "packages/fennel-js/dist/index.js")).href);
  const typical = fs.readFileSync(path.join(root, "packages/quire-ci/test/fixtures/typical/.quire/ci.fnl"), "utf8");
  for (let i = 0; i < 20; i++) compileString(typical, { filename: "ci.fnl", allowedGlobals: ["runtime"] });
  const samples = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    compileString(typical, { filename: "ci.fnl", allowedGlobals: ["runtime"] });
    samples.push(performance.now() - t);
  }
  const lines = typical.split("\n").length;
  console.log(`compile:                    ${fmt(median(samples))} for a typical ci.fnl (${lines} lines, warm); first compile in a fresh process is slower`);
}

api.server.close();
