// The two ways the README gives to run quire from anywhere: `pnpm link-bin`
// (real `quire` and `quire-ci` commands on PATH) and the pnpm alias, whose
// stdout must carry only quire's own output so --json parses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { serverRoot, tempDir } from "./git/git-helpers.js";

const repoRoot = path.resolve(serverRoot, "..", "..");
let dir: string;
beforeAll(async () => {
  dir = await tempDir("quire-cli-path-");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("getting quire on PATH", () => {
  it("`pnpm link-bin DIR` writes quire and quire-ci commands that work from any directory", () => {
    const bin = path.join(dir, "bin");
    const link = spawnSync("npx", ["-y", "pnpm@10.34.8", "-s", "link-bin", bin], { cwd: repoRoot, encoding: "utf8" });
    expect(link.status, link.stderr).toBe(0);
    expect(link.stdout).toContain(`${path.join(bin, "quire")} → `);
    expect(link.stdout).toContain(`${bin} is not on your PATH`);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, QUIRE_DATA_DIR: path.join(dir, "data") };
    const version = spawnSync("quire", ["--version"], { cwd: "/", env, encoding: "utf8" });
    expect(version.stdout).toMatch(/^quire \d+\.\d+\.\d+\n$/);
    const runs = spawnSync("quire", ["ci", "runs", "--json"], { cwd: "/", env, encoding: "utf8" });
    expect(JSON.parse(runs.stdout)).toEqual([]);
    const ci = spawnSync("quire-ci", ["run", "--help"], { cwd: "/", env, encoding: "utf8" });
    expect(ci.status).toBe(0);
    expect(ci.stdout).toContain("usage: quire-ci run [DIR] [options]");
  });

  it("the README's alias prints only quire's output, from outside the checkout", () => {
    const r = spawnSync("npx", ["-y", "pnpm@10.34.8", "-s", "-C", repoRoot, "quire", "--data-dir", path.join(dir, "data"), "ci", "runs", "--json"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("[]\n");
  });

  it("pnpm quire … --json prints only the JSON even without -s (the workspace settings silence pnpm's header)", () => {
    const r = spawnSync("npx", ["-y", "pnpm@10.34.8", "quire", "--data-dir", path.join(dir, "data"), "ci", "runs", "--json"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
