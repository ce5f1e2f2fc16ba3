// What the pipeline VM's memory limit costs and how fast it stops a bomb.
// Cost: the same Fennel run in a VM with quire-ci's default limit (512 MiB)
// and, as the peer in the same run, a VM with no limit; prints the median
// time of each and the ratio. Goals: pure Lua loops at most 1.1×, a job's
// usual work under 1.05×. Bombs: each runs in its own Node process under the
// 512 MiB limit; prints the time until the run stopped, the process's peak
// RSS and the message it stopped with. Goals: a few seconds, RSS near the
// limit (not twice it), a message naming the ci.fnl line.
// Usage: node packages/quire-ci/bench/vm-memory-bench.mjs [--quick]   (after pnpm build)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createVM } from "fennel-js";

const LIMIT = 512 * 1024 * 1024;

const bombs = [
  ["one huge string (string.rep 2e9) under pcall", `(local (ok e) (pcall string.rep "x" 2e9))\n(error (.. "pcall caught it: " (tostring e)))`],
  ["string doubling under pcall", `(pcall (fn []\n  (var s "x")\n  (while true (set s (.. s s)))))\n(error "pcall caught it")`],
  ["string building (1 MB appends)", `(var s "")\n(local chunk (string.rep "x" 1000000))\n(while true (set s (.. s chunk)))`],
  ["table bomb (4-element tables)", `(local t [])\n(for [i 1 100000000] (tset t i [i i i i]))`],
];

/** In a child process: run bomb `index` and print {ms, rssMiB, message} as JSON. */
async function runBomb(index) {
  const vm = await createVM({ profile: "pipeline", memoryLimitBytes: LIMIT });
  const t = performance.now();
  let message = "finished without stopping";
  try {
    await vm.evalString(bombs[index][1], { filename: "ci.fnl" });
  } catch (e) {
    message = e.message.split("\n")[0];
  }
  const ms = performance.now() - t;
  console.log(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024, message }));
  process.exit(0);
}

const bombArg = process.argv.indexOf("--bomb");
if (bombArg !== -1) await runBomb(Number(process.argv[bombArg + 1]));

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 9;

const cases = [
  ["pure Lua loop (20M iterations)", `(var n 0) (for [i 1 20000000] (set n (+ n (% i 7)))) n`],
  ["tables and strings (2M small tables)", `(local t []) (for [i 1 2000000] (tset t (+ 1 (% i 1000)) [i (.. "x" i)])) (length t)`],
  ["a job's usual work (100k string.format and concat)", `(local lines []) (for [i 1 100000] (table.insert lines (string.format "line %d: %s" i (tostring (* i 3))))) (length (table.concat lines "\\n"))`],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeRun(source, limited) {
  const vm = await createVM({ profile: "pipeline", ...(limited ? { memoryLimitBytes: LIMIT } : {}) });
  try {
    const t = performance.now();
    await vm.evalString(source, { filename: "bench.fnl" });
    return performance.now() - t;
  } finally {
    vm.close();
  }
}

console.log("case".padEnd(54) + "no limit    512 MiB limit   ratio");
const ratios = {};
for (const [name, source] of cases) {
  const plain = [];
  const limited = [];
  // Interleaved, so machine load falls on both alike.
  for (let i = 0; i < ROUNDS; i++) {
    plain.push(await timeRun(source, false));
    limited.push(await timeRun(source, true));
  }
  const ratio = median(limited) / median(plain);
  ratios[name.split(" (")[0]] = ratio;
  console.log(`${name.padEnd(54)}${`${median(plain).toFixed(0)} ms`.padEnd(12)}${`${median(limited).toFixed(0)} ms`.padEnd(16)}${ratio.toFixed(3)}×`);
}
console.log(`pure Lua loop: ${ratios["pure Lua loop"].toFixed(3)}× (goal: at most 1.1×)`);
console.log(`a job's usual work: ${ratios["a job's usual work"].toFixed(3)}× (goal: under 1.05×)`);

console.log("\nbomb (512 MiB limit)".padEnd(50) + "stopped after   peak RSS    message");
const self = fileURLToPath(import.meta.url);
for (let i = 0; i < bombs.length; i++) {
  const r = spawnSync(process.execPath, [self, "--bomb", String(i)], { encoding: "utf8", timeout: 300_000 });
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  let shown;
  try {
    const { ms, rssMiB, message } = JSON.parse(line);
    shown = `${`${(ms / 1000).toFixed(2)} s`.padEnd(16)}${`${rssMiB.toFixed(0)} MiB`.padEnd(12)}${message}`;
  } catch {
    shown = `did not report (exit ${r.status ?? r.signal}): ${(r.stderr || "").trim().split("\n").at(-1) ?? ""}`;
  }
  console.log(`${bombs[i][0].padEnd(50)}${shown}`);
}
