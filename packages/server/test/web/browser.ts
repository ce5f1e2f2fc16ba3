// Real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) for page tests: launch with the flags this machine needs,
// collect console errors and failed requests per page, and keep screenshots
// as test artifacts under <repo>/test-artifacts/ (gitignored).
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { serverRoot } from "../git/git-helpers.js";

export const CHROMIUM = process.env.QUIRE_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = path.resolve(serverRoot, "..", "..", "test-artifacts");

/** Why browser tests cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set QUIRE_CHROMIUM)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** A page that records console errors, page errors and failed requests. */
export interface WatchedPage {
  page: Page;
  problems: string[];
}

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  return { page, problems };
}

/** Save a screenshot as `test-artifacts/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
