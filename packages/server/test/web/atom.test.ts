// The Atom feed against a real quire and real bare repositories: parsed by
// Chromium's strict XML parser (well-formed, in the Atom namespace), entries
// in git log's order with ids that stay put, hostile commit messages escaped
// and characters XML cannot carry replaced, caching, the repo home's link,
// and rejections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { browserUnavailable, launchChromium } from "./browser.js";
import { gitEnv } from "../git/git-helpers.js";
import { xmlText } from "../../src/web/pages/atom.js";

const noBrowser = browserUnavailable();
let web: WebHarness;
let fx: FixtureRepo;
let browser: Browser | undefined;
let page: Page | undefined;

/** A commit message with every trick: markup, entities, a CDATA end, control characters, U+FFFF. */
const HOSTILE = 'Fix <script>alert("x")</script> & ]]> \u0001bell\u001b[31m \uffff end\n\nBody with <b>tags</b> & "quotes"\n';

function buildHostileRepo(parent: string): string {
  const work = path.join(parent, "hostile-work");
  mkdirSync(work, { recursive: true });
  const env = gitEnv();
  const run = (args: string[], input?: string) => execFileSync("git", args, { cwd: work, env, input, encoding: "utf8" }).trim();
  run(["init", "-q", "-b", "main"]);
  writeFileSync(path.join(work, "a.txt"), "a\n");
  run(["add", "-A"]);
  run(["commit", "-q", "-m", "First"]);
  const parent0 = run(["rev-parse", "HEAD"]);
  const tree = run(["rev-parse", "HEAD^{tree}"]);
  // Written as a raw object, so git keeps every byte of the message.
  const raw = `tree ${tree}\nparent ${parent0}\nauthor Ann & "Bo" <ann@example.invalid> 1767700000 +0000\ncommitter Ann <ann@example.invalid> 1767700000 +0000\n\n${HOSTILE}`;
  const sha = run(["hash-object", "-t", "commit", "-w", "--stdin"], raw);
  run(["update-ref", "refs/heads/main", sha]);
  execFileSync("git", ["clone", "-q", "--bare", work, path.join(parent, "hostile.git")], { env });
  return sha;
}

let hostileSha: string;

beforeAll(async () => {
  web = await startWeb((repos) => {
    fx = buildFixtureRepo(repos, "demo");
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
    hostileSha = buildHostileRepo(repos);
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", path.join(repos, "empty.git")]);
  });
  if (noBrowser === undefined) {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${web.base}/demo`);
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

interface ParsedFeed {
  error: string | null;
  namespace: string;
  title: string;
  id: string;
  updated: string;
  self: string;
  entries: { id: string; title: string; link: string; updated: string; author: string; content: string }[];
}

/** Parse a feed with the browser's XML parser, which refuses anything not well-formed. */
async function parseFeed(xml: string): Promise<ParsedFeed> {
  return page!.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const err = doc.querySelector("parsererror");
    const root = doc.documentElement;
    const kid = (el: Element, name: string) => Array.from(el.children).find((c) => c.localName === name);
    const kids = (el: Element, name: string) => Array.from(el.children).filter((c) => c.localName === name);
    return {
      error: err === null ? null : (err.textContent ?? "parse error"),
      namespace: root.namespaceURI ?? "",
      title: kid(root, "title")?.textContent ?? "",
      id: kid(root, "id")?.textContent ?? "",
      updated: kid(root, "updated")?.textContent ?? "",
      self: kids(root, "link").find((l) => l.getAttribute("rel") === "self")?.getAttribute("href") ?? "",
      entries: kids(root, "entry").map((e) => ({
        id: kid(e, "id")?.textContent ?? "",
        title: kid(e, "title")?.textContent ?? "",
        link: kid(e, "link")?.getAttribute("href") ?? "",
        updated: kid(e, "updated")?.textContent ?? "",
        author: kid(kid(e, "author")!, "name")?.textContent ?? "",
        content: kid(e, "content")?.textContent ?? "",
      })),
    };
  }, xml);
}

function gitLog(dir: string, rev: string): string[] {
  return execFileSync("git", ["log", "--format=%H", "-n", "20", rev], { env: gitEnv({ GIT_DIR: dir }), encoding: "utf8" }).trim().split("\n");
}

describe.skipIf(noBrowser !== undefined)("atom feed", () => {
  it("lists the default branch's newest commits as valid Atom, ids the commits' pages", async () => {
    const r = await web.get("/demo/atom");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/atom+xml; charset=utf-8");
    expect(r.headers["cache-control"]).toBe("no-cache");
    const feed = await parseFeed(r.text);
    expect(feed.error).toBeNull();
    expect(feed.namespace).toBe("http://www.w3.org/2005/Atom");
    expect(feed.title).toBe("demo: main");
    expect(feed.id).toBe(`${web.base}/demo/atom`);
    expect(feed.self).toBe(feed.id);
    const shas = gitLog(fx.dir, "main");
    expect(feed.entries.map((e) => e.id)).toEqual(shas.map((s) => `${web.base}/demo/commit/${s}`));
    expect(feed.entries.map((e) => e.link)).toEqual(feed.entries.map((e) => e.id));
    expect(feed.entries[0]!.title).toBe("Add a file whose name is not UTF-8");
    const initial = feed.entries.find((e) => e.id.endsWith(fx.sha.initial))!;
    expect(initial.content).toBe("Initial commit\n\nWith a body line.");
    expect(initial.updated).toBe("2026-01-01T12:00:00Z");
    // Updated is the newest commit's time, not the request's: the same feed twice is the same bytes.
    expect(feed.updated).toBe([...feed.entries.map((e) => e.updated)].sort().pop());
    expect((await web.get("/demo/atom")).text).toBe(r.text);
  });

  it("names a ref, keeps entry ids across feeds, and a sha's feed is immutable", async () => {
    const tag = await parseFeed((await web.get("/demo/atom/v0.2")).text);
    expect(tag.error).toBeNull();
    expect(tag.title).toBe("demo: v0.2");
    expect(tag.entries[0]!.id).toBe(`${web.base}/demo/commit/${fx.sha.renameTwo}`);
    const main = await parseFeed((await web.get("/demo/atom")).text);
    for (const e of tag.entries) expect(main.entries.map((m) => m.id)).toContain(e.id);
    const bySha = await web.get(`/demo/atom/${fx.sha.merge}`);
    expect(bySha.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await parseFeed(bySha.text)).entries.map((e) => e.id.slice(-40))).toEqual(gitLog(fx.dir, fx.sha.merge));
  });

  it("escapes hostile messages and replaces what XML cannot carry", async () => {
    const r = await web.get("/hostile/atom");
    expect(r.text).not.toContain("<script>");
    expect(r.text).not.toMatch(/[\u0001\u001b\uffff]/);
    const feed = await parseFeed(r.text);
    expect(feed.error).toBeNull();
    const hostile = feed.entries[0]!;
    expect(hostile.id).toBe(`${web.base}/hostile/commit/${hostileSha}`);
    expect(hostile.title).toBe('Fix <script>alert("x")</script> & ]]> \ufffdbell\ufffd[31m \ufffd end');
    expect(hostile.author).toBe('Ann & "Bo"');
    expect(hostile.content).toContain('Body with <b>tags</b> & "quotes"');
  });

  it("is linked from the repository home's head", async () => {
    const home = await web.get("/demo");
    expect(home.text).toContain('<link rel="alternate" type="application/atom+xml" title="demo commits" href="/demo/atom"/>');
  });
});

describe("atom feed rejections and escaping", () => {
  it.each([
    ["/demo/atom/nosuchref", /no branch, tag or commit named/],
    ["/demo/atom/main/now.c", /no branch, tag or commit named &quot;main\/now.c&quot;/],
    ["/empty/atom", /has no commits yet/],
    ["/secret/atom", /no such repository/],
    ["/secret/atom/main", /no such repository/],
  ])("%s is a 404 that says why", async (p, message) => {
    const r = await web.get(p);
    expect(r.status).toBe(404);
    expect(r.text).toMatch(message);
  });

  it("escapes markup and replaces characters XML 1.0 forbids", () => {
    expect(xmlText(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    expect(xmlText("tab\tnl\ncr\r ok")).toBe("tab\tnl\ncr\r ok");
    expect(xmlText("\u0000\u0008\u000b\u001f\ufffe\uffff")).toBe("\ufffd".repeat(6));
    expect(xmlText("\ud83d\ude00 lone \ud800 \udc00")).toBe("\ud83d\ude00 lone \ufffd \ufffd");
  });
});
