// The refs and home pages on a real bare repository: branches by recency with
// the default marked, tags newest first, `push-*` bookmarks folded into
// "changes" with change ids (header, else name), other refs folded, and the
// home page's recent commits, refs, links and Log tab.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { gitEnv } from "../git/git-helpers.js";

let web: WebHarness;
let fx: FixtureRepo;

beforeAll(async () => {
  web = await startWeb((repos) => {
    fx = buildFixtureRepo(repos, "demo");
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
    const git = (args: string[]) => execFileSync("git", args, { env: gitEnv({ GIT_DIR: fx.dir }) });
    // A second change bookmark at the commit that carries a change-id header, and refs outside heads and tags.
    git(["update-ref", "refs/heads/push-zzzzyyyyxxxx", fx.sha.changeId]);
    git(["update-ref", "refs/pull/7/head", fx.sha.feature]);
    git(["update-ref", "refs/heads/<b>&amp;", fx.sha.initial]);
  });
}, 60_000);

afterAll(async () => {
  await web?.close();
});

/** Names in the order a section lists them. */
function names(section: string): string[] {
  return [...section.matchAll(/<td class="mono refname"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

function section(html: string, from: string, to?: string): string {
  const start = html.indexOf(from);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = to === undefined ? html.length : html.indexOf(to, start);
  return html.slice(start, end < 0 ? html.length : end);
}

describe("the refs page", () => {
  it("lists branches by tip date with the default marked, then tags newest first", async () => {
    const r = await web.get("/demo/refs");
    expect(r.status).toBe(200);
    expect(r.headers["cache-control"]).toBe("no-cache");
    const branches = section(r.text, "<strong>Branches</strong>", "<strong>Tags</strong>");
    expect(names(branches)).toEqual(["main", "feature", "&lt;b&gt;&amp;amp;"]);
    expect(branches).toContain('main</a> <span class="pill">default</span>');
    expect(branches).toContain("Add a file whose name is not UTF-8");
    const tags = section(r.text, "<strong>Tags</strong>", "<strong>Changes</strong>");
    // v0.2 is annotated a day after v0.1's commit: newest first, with the tag's own subject beside the commit's.
    expect(names(tags)).toEqual(["v0.2", "v0.1"]);
    expect(tags).toContain("Rename lib/old.c to now.c</a> <span class=\"muted small\">· Release 0.2</span>");
  });

  it("folds push-* bookmarks into changes, with the change id from the commit's header or else the name", async () => {
    const r = await web.get("/demo/refs");
    const changes = section(r.text, "<strong>Changes</strong>", "</details>");
    expect(r.text).toContain('<details class="box changes">');
    expect(changes).toContain(`<td class="mono" title="change-id header of the commit">${fx.changeId.slice(0, 12)}</td>`);
    expect(changes).toContain('<td class="mono" title="change id from the bookmark&#39;s name">kxqpmvwzzyzl</td>');
    expect(changes).toContain("WIP: try something");
    expect(changes).toMatch(/<time class="age" datetime="2026-01-0\dT12:00:00.000Z">/);
    // Change bookmarks are not among the branches.
    expect(names(section(r.text, "<strong>Branches</strong>", "<strong>Tags</strong>"))).not.toContain("push-kxqpmvwzzyzl");
  });

  it("folds refs outside branches and tags at the end", async () => {
    const r = await web.get("/demo/refs");
    const other = section(r.text, "<strong>Other refs</strong>");
    expect(other).toContain(`<li><a href="/demo/tree/refs/pull/7/head" title="${fx.sha.feature}">refs/pull/7/head</a></li>`);
  });

  it("is absent for a private repository", async () => {
    expect((await web.get("/secret/refs")).status).toBe(404);
  });
});

describe("the home page", () => {
  it("lists the default branch's recent commits, the refs in brief and the changes, then the README", async () => {
    const r = await web.get("/demo");
    expect(r.status).toBe(200);
    const recent = section(r.text, "<strong>Recent commits</strong>", "<strong>Refs</strong>");
    const shas = [...recent.matchAll(/<tr><td class="nowrap"><a class="sha" href="\/demo\/commit\/([0-9a-f]{40})"/g)].map((m) => m[1]);
    expect(shas.length).toBe(9);
    expect(shas[0]).toBe(fx.sha.head);
    expect(recent).toContain('<a class="pill ref-branch ref-head" href="/demo/log/main">main</a>');
    const refs = section(r.text, "<strong>Refs</strong>", "<strong>Changes</strong>");
    expect(names(refs)).toEqual(["main", "v0.2", "v0.1", "feature", "&lt;b&gt;&amp;amp;"]);
    expect(refs).toContain('href="/demo/refs">all 8 refs</a>');
    expect(r.text).toContain("2 jj change bookmarks");
    expect(r.text.indexOf("<strong>Changes</strong>")).toBeLessThan(r.text.indexOf('id="readme"'));
  });

  it("links to the log, the refs and the archives (not followed by crawlers)", async () => {
    const r = await web.get("/demo");
    expect(r.text).toContain('<a href="/demo/log/main">Log</a> · <a href="/demo/refs">Refs</a>');
    expect(r.text).toContain('<a href="/demo/archive/main.tar.gz" rel="nofollow">tar.gz</a>');
    expect(r.text).toContain('<a href="/demo/archive/main.zip" rel="nofollow">zip</a>');
    expect(r.text).toContain('<nav class="tabs" aria-label="repository"><a href="/demo" aria-current="page">Code</a><a href="/demo/log/main">Log</a>');
  });
});
