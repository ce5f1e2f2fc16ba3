// Differential cases: every test/differential/<case>.fnl runs under the
// reference `fennel` (built from QUIRE_SHARED_DIR's reference tree with
// Debian's lua5.4, as its Makefile builds it) and under the built
// `fennel-js`, from the cases' folder; stdout and the exit status must be the
// same. Each case pins a difference fennel-js once had. Skips, saying why, when
// the reference tree, lua5.4 or make is missing.
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_WAIT_MS, buildOnce, CLI_PATH, PACKAGE_DIR } from "./support/build.js";
import { referenceTree } from "./support/reference.js";

const CASES = path.join(PACKAGE_DIR, "test", "differential");
const { referenceTree: tree, why } = referenceTree("Makefile", ["lua5.4", "make"]);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<Run> {
  // Both decide alike on colour when NO_COLOR is unset.
  const { NO_COLOR: _, ...env } = process.env;
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: CASES, timeout: 60_000, env }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
    child.stdin?.end();
  });
}

describe.skipIf(why !== undefined)(`fennel-js agrees with the reference build${why ? ` (skipped: ${why})` : ""}`, () => {
  let buildDir: string;
  let referenceFennel: string;

  beforeAll(() => {
    buildOnce();
    // The reference builds in a copy: its tree stays as it is.
    buildDir = mkdtempSync(path.join(os.tmpdir(), "fennel-js-reference-"));
    cpSync(tree!, buildDir, { recursive: true });
    const made = spawnSync("make", ["fennel", "LUA=lua5.4"], { cwd: buildDir, encoding: "utf8" });
    if (made.status !== 0) throw new Error(`building the reference fennel failed:\n${made.stdout}\n${made.stderr}`);
    referenceFennel = path.join(buildDir, "fennel");
  }, 2 * BUILD_WAIT_MS);

  afterAll(() => {
    if (buildDir !== undefined) rmSync(buildDir, { recursive: true, force: true });
  });

  it.each(readdirSync(CASES).filter((f) => f.endsWith(".fnl") && !f.startsWith("_")))("%s", async (file) => {
    const [reference, ours] = await Promise.all([run("lua5.4", [referenceFennel, file]), run(process.execPath, [CLI_PATH, file])]);
    expect(reference.status, `the reference failed on ${file}:\n${reference.stderr}`).toBe(0);
    expect(ours.stdout, ours.stderr).toBe(reference.stdout);
    expect(ours.status, ours.stderr).toBe(reference.status);
  }, 120_000);
});
