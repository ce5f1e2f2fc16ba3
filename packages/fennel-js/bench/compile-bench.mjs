// Compile and start-up benchmark for fennel-js, run against dist/:
//   pnpm --filter fennel-js build && node packages/fennel-js/bench/compile-bench.mjs
// Prints compile time for a three-job ci.fnl and a generated large file,
// lines per second, and VM start-up time, beside the targets.
import { performance } from "node:perf_hooks";
import { largeSource } from "./large-source.mjs";

const t0 = performance.now();
const { createVM } = await import("../dist/host/vm/vm.js");
const { compileString } = await import("../dist/compiler/index.js");
const importMs = performance.now() - t0;

const SMALL = `(local ci (require :quire.ci))

(ci.job :test [:quire/push]
  (fn [{: sh}]
    (sh ["npm" "ci"])
    (sh ["npm" "test"])))

(ci.job :lint [:quire/push]
  (fn [{: sh}]
    (let [r (sh "npm run lint" {:check false})]
      (when (not= 0 r.exit)
        (print "lint failed:" r.stderr))
      r)))

(ci.job :package [:test :lint]
  (fn [{: sh : jobs}]
    (let [push (jobs :quire/push)]
      (when (= push.branch "main")
        (sh "tar czf out.tgz dist")
        {:artifact "out.tgz" :sha push.sha}))))
`;


/** Mean wall-clock and CPU milliseconds per call after a warm-up (CPU time is steadier on a busy machine). */
function timeIt(fn, iterations) {
  for (let i = 0; i < Math.min(500, iterations); i++) fn();
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / iterations, cpu: (used.user + used.system) / 1000 / iterations };
}

const lines = (s) => s.split("\n").length;

// Small file: the first compile (cold JIT) and the steady state.
const coldStart = performance.now();
compileString(SMALL, { filename: "ci.fnl", allowedGlobals: false });
const smallCold = performance.now() - coldStart;
const small = timeIt(() => compileString(SMALL, { filename: "ci.fnl", allowedGlobals: false }), 5000);

const big = largeSource(300);
const bigLines = lines(big);
const bigColdStart = performance.now();
compileString(big, { filename: "big.fnl", allowedGlobals: false });
const bigCold = performance.now() - bigColdStart;
const bigT = timeIt(() => compileString(big, { filename: "big.fnl", allowedGlobals: false }), 20);

// VM start-up: the first VM compiles the WebAssembly module; later ones reuse it.
let s = performance.now();
const first = await createVM({ profile: "pipeline" });
const vmFirst = performance.now() - s;
first.close();
const vmPipeline = [];
const vmCli = [];
for (let i = 0; i < 20; i++) {
  s = performance.now();
  const vm = await createVM({ profile: "pipeline" });
  vmPipeline.push(performance.now() - s);
  vm.close();
  s = performance.now();
  const vm2 = await createVM({ profile: "cli", stdout: { write() {}, flush() {} } });
  vmCli.push(performance.now() - s);
  vm2.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// End to end: a fresh VM evaluating the ci.fnl with stub primitives.
s = performance.now();
const vm = await createVM();
vm.registerModule("quire.ci", { job: () => undefined });
await vm.evalString(SMALL, { filename: "ci.fnl" });
const endToEnd = performance.now() - s;
vm.close();

const REF_SMALL_MS = 0.6;
const REF_LINES_PER_S = 10_000;
const fmt = (n, d = 3) => n.toFixed(d);
const smallMs = small.wall;
const bigMs = bigT.wall;
const bigRate = bigLines / (bigMs / 1000);
const bigCpuRate = bigLines / (bigT.cpu / 1000);
console.log(`fennel-js compile benchmark (node ${process.version})`);
console.log(`  module import (compiler + host):   ${fmt(importMs, 1)} ms`);
console.log(`  small ci.fnl (${lines(SMALL)} lines):         ${fmt(smallMs)} ms/compile, ${fmt(small.cpu)} ms CPU  (first: ${fmt(smallCold, 2)} ms)  reference ${REF_SMALL_MS} ms -> ${fmt(REF_SMALL_MS / smallMs, 1)}x`);
console.log(`  large file (${bigLines} lines):         ${fmt(bigMs, 1)} ms/compile  (first: ${fmt(bigCold, 1)} ms)`);
console.log(`  large file throughput:             ${Math.round(bigRate).toLocaleString("en-US")} lines/s (${Math.round(bigCpuRate).toLocaleString("en-US")} per CPU second)  reference ${REF_LINES_PER_S.toLocaleString("en-US")} -> ${fmt(bigRate / REF_LINES_PER_S, 1)}x`);
console.log(`  VM start, first in process:        ${fmt(vmFirst, 1)} ms  (includes compiling the WebAssembly module)`);
console.log(`  VM start, pipeline profile:        ${fmt(median(vmPipeline), 2)} ms median  (target < 30 ms)`);
console.log(`  VM start, cli profile:             ${fmt(median(vmCli), 2)} ms median`);
console.log(`  new VM + eval ci.fnl end to end:   ${fmt(endToEnd, 2)} ms`);
