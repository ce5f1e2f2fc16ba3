// Line-range history (`git log -L`) against a real quire and real bare
// repositories: the commits and their range diffs through a rename, paging,
// the time budget's partial pages, the form shown without `lines`, the
// file view's link, and every rejection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildFixtureRepo } from "./fixture-repo.js";
import { buildChurnRepo, buildLadderRepo, type LadderRepo } from "./ladder-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { gitEnv } from "../git/git-helpers.js";
import { WEB_LIMITS } from "../../src/web/limits.js";

let web: WebHarness;
let ladder: LadderRepo;
let churn: { dir: string; shas: string[] };

/** A file of 150,000 lines rewritten by a few commits: following a range through it takes real time. */
function buildSlowRepo(parent: string): void {
  const work = path.join(parent, "slow-work");
  mkdirSync(work, { recursive: true });
  const env = gitEnv();
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: work, env });
  const lines = Array.from({ length: 150_000 }, (_, i) => `row ${i}`);
  for (let c = 0; c < 4; c++) {
    writeFileSync(path.join(work, "big.txt"), lines.map((l, i) => (i % 7 === c ? `${l} v${c}` : l)).join("\n") + "\n");
    execFileSync("git", ["add", "-A"], { cwd: work, env });
    execFileSync("git", ["commit", "-q", "-m", `version ${c}`], { cwd: work, env });
  }
  execFileSync("git", ["clone", "-q", "--bare", work, path.join(parent, "slow.git")], { env });
}

beforeAll(async () => {
  web = await startWeb((repos) => {
    buildFixtureRepo(repos, "demo");
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
    ladder = buildLadderRepo(repos);
    churn = buildChurnRepo(repos, 12);
    buildSlowRepo(repos);
  });
}, 90_000);

afterAll(async () => {
  await web?.close();
});

/** The commit links of a history page, in order. */
function commits(html: string): string[] {
  return [...html.matchAll(/<a class="sha" href="\/[^"]+\/commit\/([0-9a-f]{40})"/g)].map((m) => m[1]!);
}

describe("line-range history", () => {
  it("lists the commits that touched the range, newest first, each with its diff, through a rename", async () => {
    const r = await web.get("/ladder/history/main/tale.txt?lines=8-10");
    expect(r.status).toBe(200);
    const { c1, c2, c3 } = ladder.sha;
    expect(commits(r.text)).toEqual([c3, c2, c1]);
    expect(r.text).toContain("history of lines 8–10 at main");
    expect(r.text).toContain("story.txt → tale.txt");
    expect(r.text).toContain("story.txt (created)");
    expect(r.text).toContain('<tr class="del"><td class="ln">11</td><td class="ln"></td><td class="src">-eight</td></tr>');
    expect(r.text).toContain('<tr class="add"><td class="ln"></td><td class="ln">10</td><td class="src">+EIGHT</td></tr>');
    // Subjects are escaped by construction.
    expect(r.text).toContain("Add a preface &amp; shout &lt;six&gt;");
    expect(r.text).not.toContain("Partial");
    expect(r.headers["cache-control"]).toBe("no-cache");
    expect(r.text).toContain('href="/ladder/blob/main/tale.txt?lines=8-10#L8"');
    // File content in the diffs is escaped too.
    const demo = await web.get("/demo/history/main/now.c?lines=9-11");
    expect(demo.text).toContain("+  printf(&quot;line ten\\n&quot;); /* &quot;quoted&quot; &amp; &lt;b&gt; */");
    expect(demo.text).not.toContain("<b>");
  });

  it("pages with skip, and a page by full sha is cached for good", async () => {
    const first = await web.get("/churn/history/main/churn.txt?lines=2");
    expect(commits(first.text)).toEqual(churn.shas.slice(0, 10));
    expect(first.text).toContain('<a href="/churn/history/main/churn.txt?lines=2-2&amp;skip=10" rel="nofollow">Older →</a>');
    expect(first.text).not.toContain("Newer");
    const second = await web.get("/churn/history/main/churn.txt?lines=2-2&skip=10");
    expect(commits(second.text)).toEqual(churn.shas.slice(10));
    expect(second.text).toContain('<a href="/churn/history/main/churn.txt?lines=2-2" rel="nofollow">← Newer</a>');
    expect(second.text).not.toContain("Older");
    const past = await web.get("/churn/history/main/churn.txt?lines=2-2&skip=50");
    expect(past.text).toContain("No more commits touch these lines.");
    const bySha = await web.get(`/churn/history/${churn.shas[0]}/churn.txt?lines=4-5`);
    expect(bySha.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(commits(bySha.text)).toEqual([churn.shas[churn.shas.length - 1]]);
  });

  it("shows what it found when the budget runs out, marked partial and never cached", async () => {
    const saved = WEB_LIMITS.lineHistoryMs;
    WEB_LIMITS.lineHistoryMs = 30;
    try {
      const r = await web.get("/slow/history/main/big.txt?lines=1-150000");
      expect(r.status).toBe(200);
      expect(r.text).toMatch(/Partial: the search stopped after 30ms with \d+ commits? found/);
      expect(r.headers["cache-control"]).toBe("no-store");
    } finally {
      WEB_LIMITS.lineHistoryMs = saved;
    }
  });

  it("without lines, offers a form and says how to pick a range", async () => {
    const r = await web.get("/demo/history/main/now.c");
    expect(r.status).toBe(200);
    expect(r.text).toContain('<form method="get" action="/demo/history/main/now.c" class="range">');
    expect(r.text).toContain('name="lines"');
    expect(r.text).toContain("shift-click another");
    expect(r.text).toContain("line history · 40 lines");
  });

  it("the file view's line history link carries a range marked with ?lines", async () => {
    const marked = await web.get("/demo/blob/main/now.c?lines=3-5");
    expect(marked.text).toContain('href="/demo/history/main/now.c?lines=3-5" rel="nofollow" data-history="/demo/history/main/now.c"');
    const plain = await web.get("/demo/blob/main/now.c");
    expect(plain.text).toContain('href="/demo/history/main/now.c" rel="nofollow" data-history="/demo/history/main/now.c"');
  });
});

describe("line-range history rejections", () => {
  const cases: [string, number, RegExp][] = [
    ["/demo/history/main/now.c?lines=abc", 400, /is not a range of lines: write lines=A-B/],
    ["/demo/history/main/now.c?lines=0-4", 400, /is not a range of lines/],
    ["/demo/history/main/now.c?lines=3-", 400, /is not a range of lines/],
    ["/demo/history/main/now.c?lines=1-2-3", 400, /is not a range of lines/],
    ["/demo/history/main/now.c?lines=30-41", 400, /now.c has 40 lines at main: ask for lines within 1-40/],
    ["/demo/history/main/now.c?lines=99", 400, /has 40 lines/],
    ["/demo/history/main/now.c?lines=1-2&skip=-1", 400, /skip=.* must be a whole number/],
    ["/demo/history/main/now.c?lines=1-2&skip=9999999", 400, /skip=.* must be a whole number/],
    ["/demo/history/main/bin/blob.dat?lines=1", 400, /binary file/],
    ["/demo/history/main/caf%E9.txt?lines=1", 400, /is not UTF-8/],
    ["/demo/history/main/no/such.c?lines=1", 404, /main has no/],
    ["/demo/history/nosuchref/now.c?lines=1", 404, /no branch, tag or commit/],
    ["/secret/history/main/now.c?lines=1", 404, /no such repository/],
  ];
  it.each(cases)("%s answers %i", async (p, status, message) => {
    const r = await web.get(p);
    expect(r.status).toBe(status);
    expect(r.text).toMatch(message);
  });

  it("takes a range given backwards, and a directory goes to its log", async () => {
    const r = await web.get("/ladder/history/main/tale.txt?lines=10-8");
    expect(r.text).toContain("history of lines 8–10");
    const dir = await web.get("/demo/history/main/docs?lines=1");
    expect(dir.status).toBe(302);
    expect(dir.headers.location).toBe("/demo/log/main/docs");
  });
});
