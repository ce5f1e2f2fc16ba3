// Start-up and whole-process benchmark for the fennel-js CLI, against peers
// measured in the same run:
//   pnpm --filter fennel-js build
//   QUIRE_SHARED_DIR=... node packages/fennel-js/bench/startup-bench.mjs [--runs N]
// Prints, beside the goals:
//   - `fennel-js --compile` and `fennel-js FILE` of a one-line file (the
//     package's bin, run by node; its code caches warmed by the first round), as
//     multiples of a bare `node -e 0` (goal: at most 1.3x each);
//   - the first Lua VM in a fresh process (goal: at most 30 ms);
//   - a whole-process compile of a ~9,400-line file, as a fraction of the
//     reference compiler's time on native Lua 5.4 (goal: at most 0.2x). The
//     reference is built from $QUIRE_SHARED_DIR/reference/fennel with Debian's
//     lua5.4, in a temporary copy; without it that line says why it is missing.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { largeSource } from "./large-source.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.resolve(HERE, "..", "dist");
// The command as installed: the package's bin.
const pkg = JSON.parse(readFileSync(path.resolve(HERE, "..", "package.json"), "utf8"));
const CLI = path.resolve(HERE, "..", pkg.bin["fennel-js"]);
if (!existsSync(CLI)) {
  console.error(`${CLI} is missing: build fennel-js first (pnpm --filter fennel-js build)`);
  process.exit(2);
}
const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;

const work = mkdtempSync(path.join(os.tmpdir(), "fennel-js-startup-"));
const ONE_LINE = path.join(work, "one.fnl");
writeFileSync(ONE_LINE, '(print "hello")\n');

const BIG = path.join(work, "big.fnl");
const bigText = largeSource(553);
writeFileSync(BIG, bigText);
const bigLines = bigText.split("\n").length;

/** Wall-clock milliseconds of one run of `cmd args`, which must succeed. */
function timeRun(cmd, args, cwd = work) {
  const start = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Interleave the commands run by run, so load on the machine falls on all alike; medians. */
function measure(commands, runs) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs + 1; i++) {
    commands.forEach(([cmd, args], k) => {
      const ms = timeRun(cmd, args);
      if (i > 0) times[k].push(ms); // the first round warms the file cache
    });
  }
  return times.map(median);
}

// The reference, built as its Makefile builds it.
let reference;
let referenceWhy;
const shared = process.env.QUIRE_SHARED_DIR;
const tree = shared && path.join(shared, "reference", "fennel");
if (!tree || !existsSync(path.join(tree, "Makefile"))) referenceWhy = shared ? `no reference tree at ${tree}` : "QUIRE_SHARED_DIR is not set";
else if (spawnSync("sh", ["-c", "command -v lua5.4 && command -v make"]).status !== 0) referenceWhy = "lua5.4 or make is not installed";
else {
  const dir = path.join(work, "reference");
  cpSync(tree, dir, { recursive: true });
  const made = spawnSync("make", ["fennel", "LUA=lua5.4"], { cwd: dir, encoding: "utf8" });
  if (made.status === 0) reference = path.join(dir, "fennel");
  else referenceWhy = `building the reference failed: ${made.stderr.trim().split("\n").pop()}`;
}

const node = process.execPath;
const [nodeMs, compileMs, runMs] = measure(
  [
    [node, ["-e", "0"]],
    [node, [CLI, "--compile", ONE_LINE]],
    [node, [CLI, ONE_LINE]],
  ],
  RUNS,
);

// The first VM of a process: import the host, then time createVM, in fresh processes.
const FIRST_VM = `const { createVM } = await import(${JSON.stringify(path.join(DIST, "host", "vm", "vm.js"))});
const s = performance.now();
const vm = await createVM({ profile: "cli", stdout: { write() {}, flush() {} } });
process.stdout.write(String(performance.now() - s));
vm.close();`;
const firstVm = [];
for (let i = 0; i < Math.min(RUNS, 9); i++) {
  const r = spawnSync(node, ["--input-type=module", "-e", FIRST_VM], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`first-VM probe failed:\n${r.stderr}`);
  firstVm.push(Number(r.stdout));
}

const bigRuns = Math.max(3, Math.ceil(RUNS / 3));
const [oursBig, refBig] = reference
  ? measure(
      [
        [node, [CLI, "--compile", BIG]],
        ["lua5.4", [reference, "--compile", BIG]],
      ],
      bigRuns,
    )
  : [median(Array.from({ length: bigRuns }, () => timeRun(node, [CLI, "--compile", BIG]))), undefined];

const f = (n, d = 1) => n.toFixed(d);
const verdict = (ok) => (ok ? "meets the goal" : "misses the goal");
console.log(`fennel-js start-up benchmark (node ${process.version}, medians of ${RUNS} runs)`);
console.log(`  node -e 0:                         ${f(nodeMs)} ms`);
console.log(`  fennel-js --compile one-line file: ${f(compileMs)} ms = ${f(compileMs / nodeMs, 2)}x node -e 0  (goal <= 1.3x: ${verdict(compileMs / nodeMs <= 1.3)})`);
console.log(`  fennel-js one-line file:           ${f(runMs)} ms = ${f(runMs / nodeMs, 2)}x node -e 0  (goal <= 1.3x: ${verdict(runMs / nodeMs <= 1.3)})`);
console.log(`  first Lua VM in a process:         ${f(median(firstVm))} ms  (goal <= 30 ms: ${verdict(median(firstVm) <= 30)})`);
if (refBig !== undefined) {
  const ratio = oursBig / refBig;
  console.log(`  whole-process compile, ${bigLines} lines: fennel-js ${f(oursBig)} ms, reference on lua5.4 ${f(refBig)} ms = ${f(ratio, 2)}x  (goal <= 0.2x: ${verdict(ratio <= 0.2)})`);
} else {
  console.log(`  whole-process compile, ${bigLines} lines: fennel-js ${f(oursBig)} ms; no reference (${referenceWhy})`);
}
rmSync(work, { recursive: true, force: true });
