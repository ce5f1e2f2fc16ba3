#!/usr/bin/env node
// Runs the reference Fennel's own test suite through fennel-js's `fennel`
// module and prints how many tests and assertions passed:
//   node run-suite.mjs REFERENCE_DIR [--verbose] [--json] [test.module ...]
// REFERENCE_DIR is the root of a reference Fennel tree (with test/ and src/).
// The suite runs with the package's built CLI in a copy of that tree, made
// ready as the reference's Makefile makes it before its tests: the macro
// modules the compiler's source embeds (bootstrap/macros.lua, match.lua) are
// compiled, here by fennel-js. The reference's own tree is left as it is.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildMacroModules } from "../bootstrap/bootstrap.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(HERE, "..", "..", "dist", "cli.js");
const DRIVER = path.join(HERE, "driver.fnl");

/** Parse faith's output (plus the driver's load failures) into counts. */
export function parseSuiteOutput(stdout, referenceDir) {
  const loadFailures = [];
  const failRe = /\nSUITE-LOAD-FAILED (\S+)\n([\s\S]*?)\nSUITE-LOAD-END/g;
  for (let m = failRe.exec(stdout); m !== null; m = failRe.exec(stdout)) {
    loadFailures.push({ module: m[1], error: m[2], tests: countTests(referenceDir, m[1]) });
  }
  const totals = /with (\d+) assertion\(s\)\n(\d+) passed, (\d+) failed, (\d+) error\(s\), (\d+) skipped/.exec(stdout);
  if (totals === null) return null;
  const [assertions, passed, failed, errors, skipped] = totals.slice(1).map(Number);
  const unloaded = loadFailures.reduce((n, f) => n + f.tests, 0);
  const failing = [];
  const nameRe = /\n(FAIL|ERROR): ([^\n:]+):/g;
  for (let m = nameRe.exec(stdout); m !== null; m = nameRe.exec(stdout)) failing.push(`${m[1]} ${m[2]}`);
  return {
    tests: { passed, total: passed + failed + errors + skipped + unloaded, failed, errors, skipped, unloaded },
    // Each failed test stops at its one failing assertion.
    assertions: { passed: assertions - failed, run: assertions },
    loadFailures,
    failing,
  };
}

/** Tests a module defines, counted from its source when it cannot be loaded. */
function countTests(referenceDir, module) {
  const file = path.join(referenceDir, `${module.replaceAll(".", "/")}.fnl`);
  if (!existsSync(file)) return 0;
  return new Set(readFileSync(file, "utf8").match(/^\(fn test-[^\s\[]+/gm) ?? []).size;
}

/** A copy of the reference tree, ready for its suite; the caller removes it. */
function prepareTree(referenceDir) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fennel-js-suite-"));
  cpSync(referenceDir, dir, { recursive: true });
  // Nothing the reference built may stand in for what fennel-js builds.
  for (const f of ["bootstrap/macros.lua", "bootstrap/match.lua", "bootstrap/view.lua", "fennel.lua", "fennel"]) {
    rmSync(path.join(dir, f), { force: true });
  }
  buildMacroModules(dir);
  return dir;
}

/** Run the suite; resolves to the parsed counts and the raw output. */
export function runSuite(referenceDir, modules = [], { timeoutMs = 600_000 } = {}) {
  const dir = prepareTree(referenceDir);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, DRIVER, ...modules],
      { cwd: dir, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "" } },
      (err, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        const result = parseSuiteOutput(stdout, referenceDir);
        if (result === null) {
          reject(new Error(`the suite did not finish (${err ? err.message : "no totals"}):\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`));
          return;
        }
        resolve({ ...result, stdout, stderr });
      },
    );
  });
}

async function main(argv) {
  const args = argv.filter((a) => !a.startsWith("--"));
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  if (flags.has("--help") || args.length === 0) {
    console.log("usage: run-suite.mjs REFERENCE_DIR [--verbose] [--json] [test.module ...]");
    return args.length === 0 && !flags.has("--help") ? 2 : 0;
  }
  const referenceDir = path.resolve(args[0]);
  if (!existsSync(path.join(referenceDir, "test", "faith.fnl"))) {
    console.error(`${referenceDir} is not a reference Fennel tree: test/faith.fnl is missing`);
    return 2;
  }
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: build fennel-js first (pnpm --filter fennel-js build)`);
    return 2;
  }
  const r = await runSuite(referenceDir, args.slice(1));
  if (flags.has("--json")) {
    const { stdout, stderr, ...counts } = r;
    console.log(JSON.stringify(counts, null, 2));
    return 0;
  }
  if (flags.has("--verbose")) process.stdout.write(r.stdout);
  for (const f of r.loadFailures) console.log(`module ${f.module} did not load (${f.tests} tests):\n  ${f.error.split("\n")[0]}`);
  for (const name of r.failing) console.log(name);
  console.log(`tests: ${r.tests.passed}/${r.tests.total} passed`);
  console.log(`assertions: ${r.assertions.passed}/${r.assertions.run} passed`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
