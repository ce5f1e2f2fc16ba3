// `:quire/push` outputs read from a real bare repository, for each shape of
// ref update a push can bring.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import path from "node:path";
import { computePushOutputs, hasPipeline } from "../../src/git/push-outputs.js";
import { commitFiles, git, quire, tempDir, workTree } from "./git-helpers.js";

const ZERO = "0".repeat(40);
let data: string;
let work: string;
let bare: string;
const shas: Record<string, string> = {};

beforeAll(async () => {
  data = await tempDir("quire-outputs-");
  expect(quire(data, ["repo", "new", "o"]).status).toBe(0);
  bare = path.join(data, "repos", "o.git");
  work = await workTree(bare);
  shas.root = await commitFiles(work, { "a.txt": "a\n", "dir/b.txt": "b\n" }, "root commit\n\nbody line");
  shas.second = await commitFiles(work, { "a.txt": "a2\n", ".quire/ci.fnl": "; ci\n" }, "second");
  git(work, ["checkout", "-q", "-b", "side", shas.root]);
  shas.side = await commitFiles(work, { "side.txt": "s\n" }, "side");
  git(work, ["checkout", "-q", "main"]);
  git(work, ["merge", "-q", "--no-ff", "-m", "merge side", "side"]);
  shas.merge = git(work, ["rev-parse", "HEAD"]).trim();
  git(work, ["tag", "-a", "v1", "-m", "release one", shas.second]);
  shas.tag = git(work, ["rev-parse", "v1"]).trim();
  git(work, ["push", "-q", "origin", "main", "side", "v1"]);
});
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

const out = (ref: string, old_sha: string, new_sha: string) =>
  computePushOutputs(bare, { ref, old_sha, new_sha }, { repo: "o.git", pusher: "ana" });

describe("computePushOutputs", () => {
  it("a new branch at a root commit lists its whole tree", async () => {
    expect(await out("refs/heads/first", ZERO, shas.root!)).toEqual({
      sha: shas.root,
      ref: "refs/heads/first",
      branch: "first",
      tag: null,
      previous_sha: null,
      files_changed: ["a.txt", "dir/b.txt"],
      pusher: "ana",
      commit_message: "root commit\n\nbody line",
      repo: "o.git",
    });
  });

  it("an update lists old..new, across several commits", async () => {
    const o = await out("refs/heads/main", shas.root!, shas.merge!);
    expect(o.files_changed.sort()).toEqual([".quire/ci.fnl", "a.txt", "side.txt"]);
    expect(o.previous_sha).toBe(shas.root);
    expect(o.commit_message).toBe("merge side");
  });

  it("a new branch at a merge commit lists what the merge brought against its first parent", async () => {
    expect((await out("refs/heads/m", ZERO, shas.merge!)).files_changed).toEqual(["side.txt"]);
  });

  it("a force push lists the difference between the two tips", async () => {
    expect((await out("refs/heads/side", shas.second!, shas.side!)).files_changed.sort()).toEqual([".quire/ci.fnl", "a.txt", "side.txt"]);
  });

  it("an annotated tag is peeled: sha is the commit, tag is named, branch is null", async () => {
    const o = await out("refs/tags/v1", ZERO, shas.tag!);
    expect(o).toMatchObject({ sha: shas.second, tag: "v1", branch: null, commit_message: "second" });
    expect(o.files_changed.sort()).toEqual([".quire/ci.fnl", "a.txt"]);
  });

  it("an old sha git does not have falls back to the tip commit's own change", async () => {
    expect((await out("refs/heads/main", "f".repeat(40), shas.second!)).files_changed.sort()).toEqual([".quire/ci.fnl", "a.txt"]);
  });

  it("an unknown new sha is an error", async () => {
    await expect(out("refs/heads/x", ZERO, "e".repeat(40))).rejects.toThrow(/git log .* failed/);
  });
});

describe("hasPipeline", () => {
  it("is true where .quire/ci.fnl is in the tree, through tags too", async () => {
    expect(await hasPipeline(bare, shas.root!)).toBe(false);
    expect(await hasPipeline(bare, shas.second!)).toBe(true);
    expect(await hasPipeline(bare, shas.tag!)).toBe(true);
    expect(await hasPipeline(bare, "e".repeat(40))).toBe(false);
  });
});
