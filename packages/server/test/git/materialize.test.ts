// Workspace materialization with real git: the pushed tree, nothing else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile, rm, stat, writeFile, chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import { materializeWorkspace } from "../../src/git/materialize.js";
import { GitCommandError } from "../../src/git/errors.js";
import { commitFiles, git, quire, tempDir, workTree } from "./git-helpers.js";

let data: string;
let work: string;
let bare: string;
let first: string;
let second: string;

beforeAll(async () => {
  data = await tempDir("quire-mat-");
  expect(quire(data, ["repo", "new", "m"]).status).toBe(0);
  bare = path.join(data, "repos", "m.git");
  work = await workTree(bare);
  first = await commitFiles(work, { "a.txt": "one\n", ".quire/ci.fnl": "(print 1)\n", "dir/b.txt": "b\n" }, "first");
  await writeFile(path.join(work, "run.sh"), "#!/bin/sh\necho hi\n");
  await chmod(path.join(work, "run.sh"), 0o755);
  git(work, ["rm", "-q", "dir/b.txt"]);
  second = await commitFiles(work, { "a.txt": "two\n" }, "second");
  git(work, ["tag", "-a", "v1", "-m", "tag", first]);
  git(work, ["push", "-q", "origin", "main", "v1"]);
});
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe("materializeWorkspace", () => {
  it("writes the tree of a commit, with modes, without .git", async () => {
    const dest = path.join(data, "runs", "m.git", "r1", "workspace");
    await materializeWorkspace(bare, second, dest);
    expect(await readFile(path.join(dest, "a.txt"), "utf8")).toBe("two\n");
    expect(await readFile(path.join(dest, ".quire", "ci.fnl"), "utf8")).toBe("(print 1)\n");
    expect(existsSync(path.join(dest, "dir", "b.txt"))).toBe(false);
    expect(existsSync(path.join(dest, ".git"))).toBe(false);
    expect((await stat(path.join(dest, "run.sh"))).mode & 0o100).toBe(0o100);
  });

  it("accepts an annotated tag and gives its commit's tree", async () => {
    const dest = path.join(data, "ws-tag");
    await materializeWorkspace(bare, "v1", dest);
    expect(await readFile(path.join(dest, "a.txt"), "utf8")).toBe("one\n");
    expect(existsSync(path.join(dest, "dir", "b.txt"))).toBe(true);
  });

  it("fails with git's message for an unknown sha", async () => {
    const err = await materializeWorkspace(bare, "c".repeat(40), path.join(data, "ws-bad")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitCommandError);
    expect((err as Error).message).toMatch(/git archive .* failed/);
  });

  it("refuses to write into a non-empty directory", async () => {
    const dest = path.join(data, "ws-full");
    await mkdir(dest);
    await writeFile(path.join(dest, "x"), "");
    await expect(materializeWorkspace(bare, first, dest)).rejects.toThrow(/not empty/);
  });
});
