// The web view in real headless Chromium: every page type loads with no
// console error and no failed request, line anchors highlight (with and
// without JavaScript), dark mode follows the system, and a phone-width
// screen has no sideways scrolling. Screenshots land in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gitEnv } from "../git/git-helpers.js";
import type { Browser } from "playwright-core";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { browserUnavailable, launchChromium, screenshot, watchedPage } from "./browser.js";

const skip = browserUnavailable();
let web: WebHarness;
let fx: FixtureRepo;
let browser: Browser;

/** Every HTML page type, by name; more join as pages land. */
function pages(): [string, string][] {
  return [
    ["repo-list", "/"],
    ["repo-home", "/demo"],
    ["tree", "/demo/tree/main/src"],
    ["blob", "/demo/blob/main/now.c"],
    ["blob-fennel", "/demo/blob/main/src/main.fnl"],
    ["blob-image", "/demo/blob/main/img/logo.png"],
    ["tree-by-sha", `/demo/tree/${fx.sha.head}`],
    ["log", "/demo/log/main"],
    ["log-file", "/demo/log/main/now.c"],
    ["commit", `/demo/commit/${fx.sha.renameOne}`],
    ["commit-merge", `/demo/commit/${fx.sha.merge}`],
    ["commit-root", `/demo/commit/${fx.sha.initial}`],
    ["refs", "/demo/refs"],
    ["blame", "/demo/blame/main/now.c#L20"],
    ["blame-ladder", `/demo/blame/${fx.sha.renameOne}/lib/old.c?t=main:20:now.c#L20`],
    ["history", "/demo/history/main/now.c?lines=8-12"],
    ["history-form", "/demo/history/main/now.c"],
  ];
}

/** A repository "hostile" whose files try to run script when opened raw. */
function buildHostileRaw(repos: string): void {
  const work = mkdtempSync(path.join(os.tmpdir(), "quire-hostile-"));
  const git = (args: string[]) => execFileSync("git", args, { cwd: work, env: gitEnv() });
  git(["init", "-q", "-b", "main"]);
  writeFileSync(path.join(work, "page.html"), '<!doctype html><h1 id="h">hi</h1><script>window.__pwned = "html"</script><img src=x onerror="window.__pwned = \'img\'">\n');
  writeFileSync(path.join(work, "pic.svg"), '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned = \'onload\'"><script>window.__pwned = "svg"</script><rect width="10" height="10"/></svg>\n');
  writeFileSync(path.join(work, "noext"), '<html><script>window.__pwned = "sniffed"</script></html>\n');
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "hostile files"]);
  execFileSync("git", ["clone", "-q", "--bare", work, path.join(repos, "hostile.git")], { env: gitEnv() });
  rmSync(work, { recursive: true, force: true });
}

beforeAll(async () => {
  if (skip) return;
  web = await startWeb((repos) => {
    fx = buildFixtureRepo(repos, "demo");
    buildHostileRaw(repos);
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

describe.skipIf(skip !== undefined)("pages in Chromium", () => {
  it("load every page type with no console error and no failed request", async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    for (const [name, p] of pages()) {
      const { page, problems } = await watchedPage(context);
      const response = await page.goto(web.base + p, { waitUntil: "load" });
      expect(response?.status(), `${name} ${p}`).toBe(200);
      // The fixture README's <img src="x" onerror=…> points at a file that does not exist, on purpose.
      const real = problems.filter((m) => !/\/demo\/raw\/[^/]+\/x\b/.test(m) && !m.includes("status of 404"));
      expect(real, `${name} ${p}`).toEqual([]);
      // None of the README's script tricks ran.
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), `${name} ${p}`).toBeUndefined();
      await screenshot(page, `web-${name}`);
      await page.close();
    }
    await context.close();
  }, 120_000);

  it("shows the change bookmarks' ages as ages where the script runs, as dates where it does not", async () => {
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ javaScriptEnabled });
      const { page } = await watchedPage(context);
      await page.goto(web.base + "/demo/refs");
      await page.click("details.changes > summary");
      const age = await page.locator("details.changes time.age").first().textContent();
      expect(age).toMatch(javaScriptEnabled ? /^\d+ (min|h|days|months|years) ago$|^just now$/ : /^2026-01-\d\d 12:00 UTC$/);
      if (javaScriptEnabled) await screenshot(page, "web-refs-changes");
      await context.close();
    }
  });

  it("a missing page is a styled 404 page", async () => {
    const context = await browser.newContext();
    const { page } = await watchedPage(context);
    const response = await page.goto(web.base + "/demo/tree/main/no/such/file");
    expect(response?.status()).toBe(404);
    await expect(page.locator("h1").textContent()).resolves.toContain("404");
    await screenshot(page, "web-404");
    await context.close();
  });

  it("highlights #L12 with CSS and #L3-L5 with the script", async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(web.base + "/demo/blob/main/now.c#L12");
    const bg = (id: string) => page.locator(`#${id}`).evaluate((el) => getComputedStyle(el).backgroundColor);
    const plain = await bg("L11");
    expect(await bg("L12")).not.toBe(plain);
    await page.goto(web.base + "/demo/blob/main/now.c#L3-L5");
    await page.waitForFunction(() => document.querySelectorAll("tr.hl").length === 3);
    expect(await page.locator("tr.hl").evaluateAll((rows) => rows.map((r) => r.id))).toEqual(["L3", "L4", "L5"]);
    expect(await bg("L4")).not.toBe(plain);
    // Shift-click extends a range from the last clicked line.
    await page.goto(web.base + "/demo/blob/main/now.c");
    await page.click("#L7 td.ln a");
    await page.click("#L9 td.ln a", { modifiers: ["Shift"] });
    expect(new URL(page.url()).hash).toBe("#L7-L9");
    expect(await page.locator("tr.hl").count()).toBe(3);
    await screenshot(page, "web-blob-range");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("opens raw files as inert: HTML as text, SVG and sniffable text without running a script", async () => {
    const context = await browser.newContext();
    for (const [file, type] of [["page.html", "text/plain"], ["pic.svg", "image/svg+xml"], ["noext", "text/plain"]] as const) {
      const { page } = await watchedPage(context);
      const response = await page.goto(`${web.base}/hostile/raw/main/${file}`);
      expect(response?.status(), file).toBe(200);
      expect(await page.evaluate(() => document.contentType), file).toBe(type);
      // Give any script or onload/onerror handler the chance to run.
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), file).toBeUndefined();
      if (type === "text/plain") expect(await page.evaluate(() => document.body.innerText), file).toContain("<script>");
      await screenshot(page, `web-raw-${file}`);
      await page.close();
    }
    await context.close();
  });

  it("marks #L12 and a ?lines range without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const { page } = await watchedPage(context);
    // #L12 is CSS alone (:target).
    await page.goto(web.base + "/demo/blob/main/now.c#L12");
    const bg = (id: string) => page.locator(`#${id}`).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await bg("L12")).not.toBe(await bg("L11"));
    await page.goto(web.base + "/demo/blob/main/now.c?lines=3-5#L3");
    expect(await page.locator("tr.hl").evaluateAll((rows) => rows.map((r) => r.id))).toEqual(["L3", "L4", "L5"]);
    await context.close();
  });

  it("climbs the blame ladder and picks a line range for its history without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const { page, problems } = await watchedPage(context);
    await page.goto(web.base + "/demo/blame/main/now.c");
    await page.click("#L10 td.up a");
    expect(new URL(page.url()).pathname).toBe(`/demo/blame/${fx.sha.initial}/old.c`);
    expect(new URL(page.url()).hash).toBe("#L10");
    expect(await page.locator("tr:target").getAttribute("id")).toBe("L10");
    await expect(page.locator("nav.trail").textContent()).resolves.toContain("main now.c:10");
    await screenshot(page, "web-blame-ladder-nojs");
    await page.click("nav.trail a");
    expect(new URL(page.url()).pathname).toBe("/demo/blame/main/now.c");
    // The file view's link goes to a form; typing a range there shows its history.
    await page.goto(web.base + "/demo/blob/main/now.c");
    await page.click("text=line history");
    await page.fill("input[name=lines]", "8-12");
    await page.click("button[type=submit]");
    expect(new URL(page.url()).search).toBe("?lines=8-12");
    await expect(page.locator("body").textContent()).resolves.toContain("history of lines 8–12");
    // A range marked on the file view goes straight there.
    await page.goto(web.base + "/demo/blob/main/now.c?lines=9-11");
    await page.click("text=line history");
    expect(new URL(page.url()).search).toBe("?lines=9-11");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("follows the system's dark mode", async () => {
    const light = await browser.newContext({ colorScheme: "light" });
    const dark = await browser.newContext({ colorScheme: "dark" });
    const bodyBg = async (ctx: typeof light) => {
      const { page } = await watchedPage(ctx);
      await page.goto(web.base + "/demo/blob/main/src/main.fnl");
      return { page, bg: await page.evaluate(() => getComputedStyle(document.body).backgroundColor) };
    };
    const l = await bodyBg(light);
    const d = await bodyBg(dark);
    expect(l.bg).toBe("rgb(255, 255, 255)");
    expect(d.bg).toBe("rgb(13, 17, 23)");
    await screenshot(d.page, "web-blob-dark");
    await light.close();
    await dark.close();
  });

  it("fits a phone-width screen without sideways scrolling", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    for (const [name, p] of pages()) {
      const { page } = await watchedPage(context);
      await page.goto(web.base + p);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} ${p} is wider than the screen`).toBeLessThanOrEqual(0);
      await screenshot(page, `web-phone-${name}`);
      await page.close();
    }
    await context.close();
  }, 120_000);
});
