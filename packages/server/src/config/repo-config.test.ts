import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { ConfigFileError } from "./fennel-table.js";
import { expandMirrorUrl, mirrorUrlProblem, refSelected } from "./mirrors.js";
import { loadRepoConfig, parseRepoConfig } from "./repo-config.js";

let dir: string;
let bare: string;
let work: string;
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid" };
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();

async function commit(files: Record<string, string | null>, message: string): Promise<string> {
  for (const [rel, content] of Object.entries(files)) {
    if (content === null) await rm(path.join(work, rel), { force: true });
    else {
      await mkdir(path.dirname(path.join(work, rel)), { recursive: true });
      await writeFile(path.join(work, rel), content);
    }
  }
  git(work, "add", "-A");
  git(work, "commit", "-q", "--allow-empty", "-m", message);
  git(work, "push", "-q", bare, "HEAD:refs/heads/main");
  return git(work, "rev-parse", "HEAD");
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "quire-repo-config-"));
  bare = path.join(dir, "hello.git");
  work = path.join(dir, "work");
  git(dir, "init", "-q", "--bare", "-b", "main", bare);
  git(dir, "init", "-q", "-b", "main", work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadRepoConfig", () => {
  it("reads .quire/config.fnl at the sha, falls back to HEAD, and gives the defaults without one", async () => {
    const empty = await commit({ "README": "hi\n" }, "no config");
    expect(await loadRepoConfig(bare, "hello.git", empty)).toEqual({ config: { private: false, publicRuns: false, raw: {} }, warnings: [], readAt: null });
    const withConfig = await commit({ ".quire/config.fnl": `{:mirrors {"https://example.org/x.git" :tok} :private true :colour 1}\n` }, "config");
    const loaded = await loadRepoConfig(bare, "hello.git", withConfig);
    expect(loaded.readAt).toBe(withConfig);
    expect(loaded.config).toMatchObject({ mirrors: [{ url: "https://example.org/x.git", secret: "tok", refs: null, deletions: false }], private: true, publicRuns: false });
    expect(loaded.warnings).toEqual([expect.stringMatching(/^hello\.git\/\.quire\/config\.fnl@[0-9a-f]{12}:1:\d+: unknown key :colour is ignored/)]);
    // The old commit has no config: HEAD's is used (a tag of an old commit, say).
    expect((await loadRepoConfig(bare, "hello.git", empty)).readAt).toBe(withConfig);
    // A deleted ref has no sha.
    expect((await loadRepoConfig(bare, "hello.git", null)).config.private).toBe(true);
  });

  it("reports a broken file with the commit and position, and refuses placeholders", async () => {
    const sha = await commit({ ".quire/config.fnl": `{:mirrors {"https://example.org/{repo}.git" :tok}\n :public-runs "yes"}\n` }, "broken");
    const e = await loadRepoConfig(bare, "hello.git", sha).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigFileError);
    expect((e as ConfigFileError).problems).toEqual([
      expect.stringMatching(new RegExp(`^hello\\.git/\\.quire/config\\.fnl@${sha.slice(0, 12)}:1:\\d+: mirror URL .* holds \\{repo\\}: placeholders belong in the global default`)),
      expect.stringMatching(/:2:1: :public-runs must be true or false, got string "yes"/),
    ]);
  });

  it("cannot require modules or reach io: the file is unusable, with its position", async () => {
    expect((await parseRepoConfig(`(require :secrets)\n`, "x/.quire/config.fnl")).problems).toEqual([expect.stringMatching(/^x\/\.quire\/config\.fnl:1/)]);
    expect((await parseRepoConfig(`{:mirrors (io.open "/etc/passwd")}\n`, "x/.quire/config.fnl")).problems).toEqual([expect.stringMatching(/config\.fnl:1/)]);
  });

  it("stops a file that loops forever", async () => {
    const r = await parseRepoConfig(`(while true nil)\n{}\n`, "x/.quire/config.fnl");
    expect(r.problems).toHaveLength(1);
    expect(r.config).toMatchObject({ private: false, publicRuns: false });
  }, 20_000);

  it("keeps every problem of the structured keys, and the raw table for other features", async () => {
    const r = await parseRepoConfig(`{:launcher :bwrap :retention {:keep-days "long"} :notifications {:to "nobody"}}\n`, "x/.quire/config.fnl");
    expect(r.problems).toEqual([
      expect.stringMatching(/:1:\d+: :retention :keep-days must be a number of days ≥ 0, got string "long"/),
      expect.stringMatching(/:1:\d+: :notifications :to must be mail addresses/),
    ]);
    expect(r.config.raw).toMatchObject({ launcher: "bwrap" });
    expect(r.warnings).toEqual([]);
  });
});

describe("mirror targets", () => {
  it("selects refs by exact name and by * patterns", () => {
    const t = { refs: ["refs/heads/main", "refs/tags/*", "refs/heads/release/*"] };
    expect(refSelected(t, "refs/heads/main")).toBe(true);
    expect(refSelected(t, "refs/heads/mainline")).toBe(false);
    expect(refSelected(t, "refs/tags/v1.0")).toBe(true);
    expect(refSelected(t, "refs/tags/nested/v1")).toBe(true);
    expect(refSelected(t, "refs/heads/release/2.x")).toBe(true);
    expect(refSelected(t, "refs/heads/feature")).toBe(false);
    expect(refSelected({ refs: null }, "refs/anything")).toBe(true);
    // Regex characters in a pattern are literal.
    expect(refSelected({ refs: ["refs/heads/a.b"] }, "refs/heads/axb")).toBe(false);
  });

  it("fills {repo} and {name}", () => {
    expect(expandMirrorUrl("https://github.com/me/{name}.git", "team/tools.git")).toBe("https://github.com/me/tools.git");
    expect(expandMirrorUrl("file:///srv/backup/{repo}.git", "team/tools.git")).toBe("file:///srv/backup/team/tools.git");
  });

  it("never accepts an http(s) URL that carries credentials", () => {
    fc.assert(
      fc.property(fc.constantFrom("http", "https", "HTTPS"), fc.stringMatching(/^[A-Za-z0-9._~%!$&'*+=-]{1,20}$/), fc.webPath(), (scheme, userinfo, p) => {
        expect(mirrorUrlProblem(`${scheme}://${userinfo}@github.com${p}`, false)).toMatch(/carries credentials/);
      }),
    );
    expect(mirrorUrlProblem("ext::sh", false)).toMatch(/is not https:/);
    expect(mirrorUrlProblem("-uhack", false)).toMatch(/starts with "-"/);
    expect(mirrorUrlProblem("https://example.org/x.git\nHost: y", false)).toMatch(/control character/);
    expect(mirrorUrlProblem("git@github.com:me/x.git", false)).toBeUndefined();
    expect(mirrorUrlProblem("/srv/backup/x.git", false)).toBeUndefined();
  });
});
