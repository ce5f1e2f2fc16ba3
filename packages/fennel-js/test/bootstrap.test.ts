// Bootstrap: fennel-js compiles the reference compiler's source, unmodified,
// as the reference's Makefile builds it (the macro modules first, embedded at
// compile time through the compiler environment; then the library and the
// launcher with requireAsInclude), and the compiler it builds runs the
// reference's test suite on Lua 5.4. test/bootstrap/bootstrap.mjs does the
// work. Skips, saying why, without the reference tree or lua5.4.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_WAIT_MS, buildOnce } from "./support/build.js";
import { referenceTree } from "./support/reference.js";
// @ts-expect-error: a plain script without type declarations
import { bootstrap, runBootstrappedSuite } from "./bootstrap/bootstrap.mjs";

const { referenceTree: tree, why } = referenceTree("src/fennel.fnl", ["lua5.4"]);

describe.skipIf(why !== undefined)(`fennel-js bootstraps the reference compiler${why ? ` (skipped: ${why})` : ""}`, () => {
  let dir: string;

  beforeAll(() => {
    buildOnce();
    dir = (bootstrap as (ref: string) => string)(tree!);
  }, 2 * BUILD_WAIT_MS);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("builds fennel.lua with the built-in macros embedded, and no old bootstrap compiler in sight", () => {
    expect(existsSync(path.join(dir, "bootstrap", "fennel.lua"))).toBe(false);
    const lua = readFileSync(path.join(dir, "fennel.lua"), "utf8");
    // The macro modules are embedded as long strings, not read at run time.
    expect(lua).toContain("load_macros([===[local utils, get_function_metadata = ...");
    expect(lua).toContain('package.preload["fennel.compiler"]');
    const r = spawnSync("lua5.4", ["-e", 'local f = dofile("fennel.lua") print(f.eval("(-> 5 (+ 2) (* 3))"), f.version)'], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    const version = /^\(local version :(\S+)\)$/m.exec(readFileSync(path.join(tree!, "src", "fennel", "utils.fnl"), "utf8"))?.[1];
    expect(version).toBeDefined();
    expect(r.stdout.trim()).toBe(`21\t${version}`);
  });

  it("runs the reference suite with the compiler it built, every test passing", () => {
    const r = (runBootstrappedSuite as (d: string) => { passed: number; total: number; output: string })(dir);
    expect(r.total, r.output.slice(-3000)).toBe(152);
    expect(r.passed, r.output.slice(-3000)).toBe(r.total);
  }, 300_000);
});
