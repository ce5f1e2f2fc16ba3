// `quire repo new|list|rm|hooks` through the built binary, on real git.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile, rm, stat, symlink } from "node:fs/promises";
import path from "node:path";
import { commitFiles, git, gitResult, quire, tempDir, workTree } from "./git-helpers.js";

let data: string;
beforeAll(async () => {
  data = await tempDir("quire-repo-");
});
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
});

describe("quire repo", () => {
  it("creates a bare repository with .git appended, default branch main, and an executable post-receive hook", async () => {
    const r = quire(data, ["repo", "new", "foo"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const dir = path.join(data, "repos", "foo.git");
    expect(r.stdout).toBe(`created foo.git at ${dir}\n`);
    expect(git(dir, ["rev-parse", "--is-bare-repository"]).trim()).toBe("true");
    expect(git(dir, ["symbolic-ref", "HEAD"]).trim()).toBe("refs/heads/main");
    const hook = path.join(dir, "hooks", "post-receive");
    expect((await stat(hook)).mode & 0o111).toBe(0o111);
    const text = await readFile(hook, "utf8");
    expect(text).toMatch(/^#!\/bin\/sh\n/);
    expect(text).toContain(`QUIRE_DATA_DIR=${data}`);
    expect(text).toMatch(/exec .*node.* .*quire\.js hook post-receive\n$/);
  });

  it("creates grouped repositories and lists everything sorted", () => {
    expect(quire(data, ["repo", "new", "work/bar.git"]).status).toBe(0);
    expect(quire(data, ["repo", "new", "alpha"]).status).toBe(0);
    const r = quire(data, ["repo", "list"]);
    expect(r.stdout).toBe("alpha.git\nfoo.git\nwork/bar.git\n");
    const json = JSON.parse(quire(data, ["repo", "list", "--json"]).stdout) as { name: string; group: string | null }[];
    expect(json.map((j) => [j.name, j.group])).toEqual([
      ["alpha.git", null],
      ["foo.git", null],
      ["work/bar.git", "work"],
    ]);
  });

  it("lists the others and names the one it leaves out when a repository is a symlink leading outside", async () => {
    const outside = await tempDir("quire-repo-outside-");
    try {
      git(outside, ["init", "-q", "--bare", "elsewhere.git"]);
      await symlink(path.join(outside, "elsewhere.git"), path.join(data, "repos", "link.git"));
      const r = quire(data, ["repo", "list"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("alpha.git\nfoo.git\nwork/bar.git\n");
      expect(r.stderr).toMatch(/^quire: not listed: link\.git: repository "link\.git" resolves outside the repositories directory\n$/);
      const hooks = quire(data, ["repo", "hooks"]);
      expect(hooks.status).toBe(0);
      expect(hooks.stderr).toMatch(/no hooks written in link\.git/);
      expect(existsSync(path.join(outside, "elsewhere.git", "hooks", "post-receive"))).toBe(false);
    } finally {
      await rm(path.join(data, "repos", "link.git"), { force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it.each([
    [["repo", "new", "foo"], /repository "foo\.git" already exists/],
    [["repo", "new", "a/b/c"], /at most one level of grouping/],
    [["repo", "new", "../evil"], /"\.\."/],
    [["repo", "new", "-x"], /unknown option "-x" for quire repo new/],
    [["repo", "new", "--", "-x"], /starts with "-"/],
    [["repo", "rm", "missing"], /no repository "missing\.git": create it first with `quire repo new missing\.git`/],
    [["repo", "new"], /quire repo new needs NAME \(repository name/],
    [["repo", "frob"], /unknown command "quire repo frob"/],
  ])("refuses %j with a clear message", (args, message) => {
    const r = quire(data, args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it("does not accept a push to a repository that does not exist", async () => {
    const work = await workTree(path.join(data, "repos", "nope.git"));
    await commitFiles(work, { "a.txt": "a\n" }, "first");
    const r = gitResult(work, ["push", "-q", "origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(existsSync(path.join(data, "repos", "nope.git"))).toBe(false);
  });

  it("removes a repository, and an emptied group with it", () => {
    expect(quire(data, ["repo", "rm", "work/bar"]).stdout).toMatch(/removed work\/bar\.git/);
    expect(existsSync(path.join(data, "repos", "work"))).toBe(false);
    expect(quire(data, ["repo", "list"]).stdout).toBe("alpha.git\nfoo.git\n");
  });

  it("rewrites hooks with `repo hooks`", () => {
    const r = quire(data, ["repo", "hooks"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("hooks installed in alpha.git\nhooks installed in foo.git\n");
  });
});
