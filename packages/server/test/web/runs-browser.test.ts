// A run page in real headless Chromium: a real push of a pipeline whose job
// prints a line every 300 ms, the URL the push printed opened in the browser,
// lines arriving while the job runs, the job graph turning green, no console
// error; then the same kind of page with JavaScript off: everything as of the
// load and a note to reload. Screenshots land in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { browserUnavailable, launchChromium, screenshot, watchedPage } from "./browser.js";
import { quire } from "../git/git-helpers.js";
import { useForge } from "./runs-harness.js";

const skip = browserUnavailable();
const ctx = useForge();
let browser: Browser;

const TICKER = `(local ci (require :quire.ci))
(ci.job :tick [:quire/push] (fn [{: sh}] (sh "for i in $(seq 1 12); do echo \\"tick $i\\"; sleep 0.3; done")))
(ci.job :after [:tick] (fn [{: sh}] (sh "printf '\\\\033[32mall green\\\\033[0m\\\\n'")))
`;

beforeAll(async () => {
  if (!skip) browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Problems but the stream the page itself closed once the run was over (Chromium reports it as aborted). */
const real = (problems: string[]) => problems.filter((p) => !/^request failed: .*\/live\?cursor=.* \(net::ERR_ABORTED\)$/.test(p));

const nodeClass = (page: Page, job: string) => page.locator(`svg.graph a[data-job="${job}"]`).getAttribute("class");
const rows = (page: Page, log: string) => page.locator(`table[data-log="${log}"] tbody tr`).count();

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip !== undefined)("a live run page in Chromium", () => {
  it("shows lines as they are printed and the graph turning green", async () => {
    const { url } = await ctx.forge.push(ctx.work, { ".quire/ci.fnl": TICKER });
    const context = await browser.newContext({ extraHTTPHeaders: { "Remote-User": "reader" }, viewport: { width: 1100, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(url);
    expect(await page.locator("#live-note").textContent()).toContain("Live: this page follows the run");

    // A line shows while the job is still running: more lines than before, fewer than all, graph still active.
    const during = await poll("a line while the job runs", async () => {
      const n = await rows(page, "log-tick-1");
      const cls = await nodeClass(page, "tick");
      return n >= 2 && n < 12 && cls?.includes("s-active") ? n : undefined;
    });
    expect(during).toBeLessThan(12);
    const midway = await screenshot(page, "run-live-midway");
    expect(await page.locator("table[data-log=log-tick-1] tbody tr").last().textContent()).toMatch(/tick \d+/);

    // The graph turns green once both jobs complete; the note says the run is over.
    await poll("the graph to turn green", async () =>
      (await nodeClass(page, "tick"))?.includes("s-complete") && (await nodeClass(page, "after"))?.includes("s-complete") ? true : undefined,
    );
    await poll("the end", async () => ((await page.locator("#live-note").textContent())?.includes("This run is over") ? true : undefined));
    const stroke = (await page.evaluate(`getComputedStyle(document.querySelector('svg.graph a[data-job="tick"] rect')).stroke`)) as string;
    expect(stroke).toMatch(/^rgb\((26, 127, 55|63, 185, 80)\)$/);
    expect(await rows(page, "log-tick-1")).toBe(12);
    // Every line came once, in order, each with its anchor.
    const texts = await page.locator("table[data-log=log-tick-1] tbody td.src").allTextContents();
    expect(texts).toEqual(Array.from({ length: 12 }, (_, i) => `tick ${i + 1}`));
    const ids = await page.locator("table[data-log=log-tick-1] tbody tr").evaluateAll((trs) => trs.map((tr) => (tr as unknown as { id: string }).id));
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `log-tick-1-L${i + 1}`));
    // The second job's section arrived live, with its ANSI colour.
    expect(await page.locator('#job-after table[data-log="log-after-1"] span.a-f2').textContent()).toBe("all green");
    expect(await page.locator("#run-head .pill").first().textContent()).toBe("complete");
    await screenshot(page, "run-live-done");
    expect(real(problems)).toEqual([]);
    expect(midway).toMatch(/run-live-midway\.png$/);
    await context.close();
  }, 90_000);

  it("without JavaScript shows the run as of the load, with a note to reload", async () => {
    const { url, id } = await ctx.forge.push(ctx.work, { ".quire/ci.fnl": TICKER, "nojs.txt": "again" }, { ref: "nojs" });
    const context = await browser.newContext({ extraHTTPHeaders: { "Remote-User": "reader" }, javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    const { page, problems } = await watchedPage(context);
    // Load it once the job has printed something.
    let shown = 0;
    await poll("a page with some lines", async () => {
      await page.goto(url);
      shown = await rows(page, "log-tick-1");
      return shown >= 1 && shown < 12 ? true : undefined;
    });
    const note = await page.locator("#live-note").textContent();
    expect(note).toMatch(/This run is in progress\. This page shows it as of .* UTC: reload it to see what has happened since\./);
    expect(await nodeClass(page, "tick")).toContain("s-active");
    await screenshot(page, "run-nojs-active");
    // Nothing changes by itself.
    await new Promise((r) => setTimeout(r, 1200));
    expect(await rows(page, "log-tick-1")).toBe(shown);
    // Once over, a reload shows all of it and no note.
    await ctx.forge.runs.settle(id);
    await ctx.forge.runs.until(id, (r) => r.pid === null);
    await page.goto(url);
    expect(await rows(page, "log-tick-1")).toBe(12);
    expect(await page.locator("#live-note").count()).toBe(0);
    expect(await nodeClass(page, "after")).toContain("s-complete");
    await screenshot(page, "run-nojs-done");
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);

  it("the run list updates without a reload", async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { "Remote-User": "reader" }, viewport: { width: 1100, height: 700 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${ctx.forge.base}/app/runs`);
    expect(await page.locator("#live-note").textContent()).toContain("Live: new runs and state changes");
    const { id } = await ctx.forge.push(ctx.work, { "x.txt": "x" }, { ref: "listed" });
    await poll("the new run's row", async () => ((await page.locator(`#run-${id}`).count()) > 0 ? true : undefined));
    await poll("its completion", async () => ((await page.locator(`#run-${id}`).getAttribute("data-state")) === "complete" ? true : undefined));
    await screenshot(page, "run-list-live");
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it("every CI page type loads with no console error, at desktop and at phone width", async () => {
    const pipeline = `(local ci (require :quire.ci))
(ci.job :build [:quire/push] (fn [{: sh : log}] (log "building <it>") (sh "printf '\\\\033[32mok\\\\033[0m\\\\n'; seq 1 40")))
(ci.job :lint [:quire/push] (fn [{: sh}] (sh "echo a-long-line-of-lint-output-that-does-not-wrap-by-itself-${"x".repeat(120)}; exit 2")) {:allow-failure true})
(ci.job :ship [:build :lint] (fn [{: sh}] (sh "echo shipped")))
`;
    const { id } = await ctx.forge.push(ctx.work, { ".quire/ci.fnl": pipeline }, { ref: "pages" });
    await ctx.forge.runs.settle(id);
    await ctx.forge.runs.until(id, (r) => r.pid === null);
    const pages: [string, string][] = [
      ["run-list", "/app/runs"],
      ["run-list-filtered", "/app/runs?state=complete&ref=pages"],
      ["all-runs", "/runs"],
      ["run", `/app/runs/${id}`],
      ["sh-log", `/app/runs/${id}/jobs/build/sh/1`],
      ["job-output", `/app/runs/${id}/jobs/build/log`],
    ];
    for (const [width, tag] of [[1100, "desktop"], [375, "phone"]] as const) {
      const context = await browser.newContext({ extraHTTPHeaders: { "Remote-User": "reader" }, viewport: { width, height: 740 }, isMobile: width < 500 });
      for (const [name, p] of pages) {
        const { page, problems } = await watchedPage(context);
        const response = await page.goto(ctx.forge.base + p, { waitUntil: "load" });
        expect(response?.status(), `${name} ${p}`).toBe(200);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${tag}: ${name} ${p} is wider than the screen`).toBeLessThanOrEqual(0);
        await screenshot(page, `ci-${tag}-${name}`);
        expect(problems, `${tag}: ${name} ${p}`).toEqual([]);
        await page.close();
      }
      await context.close();
    }
  }, 90_000);

  // Last: its pipeline (a long sleep) stays in the work tree for any push after it.
  it("the job graph's running time grows between the stream's redraws", async () => {
    const { url, id } = await ctx.forge.push(ctx.work, { ".quire/ci.fnl": `(local ci (require :quire.ci))\n(ci.job :hold [:quire/push] (fn [{: sh}] (sh "sleep 60")))\n` }, { ref: "hold" });
    const context = await browser.newContext({ extraHTTPHeaders: { "Remote-User": "reader" }, viewport: { width: 1100, height: 700 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(url);
    // The sh runs: nothing about the run changes until it ends, so only the page's own clock moves the graph.
    await ctx.forge.runs.until(id, (r) => r.state === "active" && ctx.forge.runs.sh(id).length > 0);
    const running = page.locator('svg.graph a[data-job="hold"] tspan.running');
    const seconds = async () => {
      const text = await running.textContent().catch(() => null);
      const m = text === null ? null : /^(\d+\.\d)s…$/.exec(text);
      return m === null ? undefined : Number(m[1]);
    };
    const first = await poll("the graph's running time", seconds);
    const later = await poll("the running time to grow", async () => {
      const s = await seconds();
      return s !== undefined && s >= first + 1 ? s : undefined;
    });
    expect(later).toBeGreaterThanOrEqual(first + 1);
    expect(await nodeClass(page, "hold")).toContain("s-active");
    expect(await page.locator('svg.graph a[data-job="hold"] text.g-info').textContent()).toMatch(/^active · \d+\.\ds…$/);
    // Its tooltip names the start, which stays true, rather than a duration that would not.
    expect(await page.locator('svg.graph a[data-job="hold"] title').textContent()).toMatch(/^hold: active since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await screenshot(page, "run-graph-running");
    expect(quire(ctx.forge.data, ["ci", "cancel", id]).status).toBe(0);
    await ctx.forge.runs.settle(id);
    await poll("the graph to show the end", async () => ((await nodeClass(page, "hold"))?.includes("s-active") ? undefined : true));
    expect(await running.count()).toBe(0);
    expect(real(problems)).toEqual([]);
    await context.close();
  }, 90_000);
});
