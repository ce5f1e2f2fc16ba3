// What the pipeline VM's memory limit costs: the same Fennel run in a VM with
// quire-ci's default limit (512 MiB, checked by a count hook every 10,000
// instructions) and, as the peer in the same run, a VM with no limit (no
// hook). Prints the median time of each and the ratio. Goal: a job's usual
// work under 1.05×. Pure Lua loops pay more: any count hook puts Lua 5.4's
// interpreter in its per-instruction trap mode (as a job's :timeout does).
// Usage: node packages/quire-ci/bench/vm-memory-bench.mjs [--quick]   (after pnpm build)
import { createVM } from "fennel-js";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 9;
const LIMIT = 512 * 1024 * 1024;

const cases = [
  ["arithmetic loop (20M iterations)", `(var n 0) (for [i 1 20000000] (set n (+ n (% i 7)))) n`],
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
let usual = 0;
for (const [name, source] of cases) {
  const plain = [];
  const limited = [];
  // Interleaved, so machine load falls on both alike.
  for (let i = 0; i < ROUNDS; i++) {
    plain.push(await timeRun(source, false));
    limited.push(await timeRun(source, true));
  }
  const ratio = median(limited) / median(plain);
  if (name.startsWith("a job's usual work")) usual = ratio;
  console.log(`${name.padEnd(54)}${`${median(plain).toFixed(0)} ms`.padEnd(12)}${`${median(limited).toFixed(0)} ms`.padEnd(16)}${ratio.toFixed(3)}×`);
}
console.log(`a job's usual work: ${usual.toFixed(3)}× (goal: under 1.05×)`);
