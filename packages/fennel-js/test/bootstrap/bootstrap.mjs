#!/usr/bin/env node
// Bootstraps the reference Fennel compiler with fennel-js: in a copy of a
// reference tree, fennel-js compiles the compiler's source, unmodified, the
// way the reference's Makefile does with its own bootstrap compiler (which is
// removed from the copy first):
//   bootstrap/macros.lua, bootstrap/match.lua  (aot.fnl --macro; embedded at
//                                               compile time into the compiler)
//   bootstrap/view.lua                         (aot.fnl)
//   fennel.lua                                 (aot.fnl src/fennel.fnl --require-as-include)
//   fennel                                     (the launcher, aot.fnl src/launcher.fnl --require-as-include)
// then runs the reference suite (or the modules named) with that fennel.lua
// as the `fennel` module on Lua 5.4:
//   node bootstrap.mjs REFERENCE_DIR [--keep] [test.module ...]
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(HERE, "..", "..", "dist", "cli.js");
const AOT = path.join(HERE, "aot.fnl");

// Runs the suite as the reference's test/init.lua does, with the built fennel.lua.
const SUITE_LUA = `package.path = "./?.lua;" .. package.path
local fennel = dofile("fennel.lua")
package.loaded.fennel = fennel
setmetatable(_G, {__newindex=function(_, k) error("set global "..k) end})
fennel.install({useMetadata = true, correlate = true})
local t = require("test.faith")
local modules = {"test.core", "test.mangling", "test.quoting", "test.bit",
                 "test.fennelview", "test.parser", "test.failures", "test.repl",
                 "test.cli", "test.macro", "test.linter", "test.loops",
                 "test.misc", "test.searcher", "test.api", "test.sourcemap"}
if #arg ~= 0 then modules = arg end
t.run(modules, {hooks = {exit = function() end}})
`;

/** Compile `file` (relative to `dir`) with fennel-js's aot.fnl; returns the Lua. */
export function aot(dir, file, flags) {
  const r = spawnSync(process.execPath, [CLI, AOT, file, ...flags], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, FENNEL_PATH: "src/?.fnl" },
  });
  if (r.status !== 0) throw new Error(`fennel-js could not compile ${file}:\n${r.stderr}`);
  return r.stdout;
}

/** bootstrap/macros.lua and bootstrap/match.lua in `dir`, which src/fennel.fnl embeds as it compiles. */
export function buildMacroModules(dir) {
  writeFileSync(path.join(dir, "bootstrap", "macros.lua"), aot(dir, "src/fennel/macros.fnl", ["--macro"]));
  writeFileSync(path.join(dir, "bootstrap", "match.lua"), aot(dir, "src/fennel/match.fnl", ["--macro"]));
}

/** Build the compiler in a fresh copy of `referenceDir`; returns the copy's path. */
export function bootstrap(referenceDir, into = mkdtempSync(path.join(os.tmpdir(), "fennel-js-bootstrap-"))) {
  cpSync(referenceDir, into, { recursive: true });
  for (const f of ["bootstrap/fennel.lua", "bootstrap/aot.lua", "bootstrap/macros.lua", "bootstrap/match.lua", "bootstrap/view.lua", "fennel.lua", "fennel"]) {
    rmSync(path.join(into, f), { force: true });
  }
  // Order matters: fennel.fnl embeds macros.lua and match.lua while it compiles.
  buildMacroModules(into);
  writeFileSync(path.join(into, "bootstrap", "view.lua"), aot(into, "src/fennel/view.fnl", []));
  writeFileSync(path.join(into, "fennel.lua"), aot(into, "src/fennel.fnl", ["--require-as-include"]));
  writeFileSync(path.join(into, "fennel"), `#!/usr/bin/env lua5.4\n${aot(into, "src/launcher.fnl", ["--require-as-include"])}`);
  chmodSync(path.join(into, "fennel"), 0o755);
  writeFileSync(path.join(into, "bootstrap-suite.lua"), SUITE_LUA);
  return into;
}

/** Run the suite (or `modules`) on Lua 5.4 with the bootstrapped fennel.lua in `dir`. */
export function runBootstrappedSuite(dir, modules = []) {
  const r = spawnSync("lua5.4", ["bootstrap-suite.lua", ...modules], { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const totals = /with (\d+) assertion\(s\)\n(\d+) passed, (\d+) failed, (\d+) error\(s\), (\d+) skipped/.exec(r.stdout);
  if (totals === null) throw new Error(`the suite did not finish (exit ${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  const [assertions, passed, failed, errors, skipped] = totals.slice(1).map(Number);
  return { passed, total: passed + failed + errors + skipped, assertions, output: r.stdout };
}

function main(argv) {
  const args = argv.filter((a) => !a.startsWith("--"));
  if (args.length === 0) {
    console.error("usage: bootstrap.mjs REFERENCE_DIR [--keep] [test.module ...]");
    return 2;
  }
  const referenceDir = path.resolve(args[0]);
  if (!existsSync(path.join(referenceDir, "src", "fennel.fnl"))) {
    console.error(`${referenceDir} is not a reference Fennel tree: src/fennel.fnl is missing`);
    return 2;
  }
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: build fennel-js first (pnpm --filter fennel-js build)`);
    return 2;
  }
  const dir = bootstrap(referenceDir);
  try {
    const lines = execFileSync("wc", ["-l", "fennel.lua"], { cwd: dir, encoding: "utf8" }).trim();
    console.log(`built ${lines}`);
    const r = runBootstrappedSuite(dir, args.slice(1));
    if (argv.includes("--verbose")) process.stdout.write(r.output);
    console.log(`tests: ${r.passed}/${r.total} passed with the bootstrapped compiler`);
  } finally {
    if (argv.includes("--keep")) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
