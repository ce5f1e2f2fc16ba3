// The blame page against a real quire and real bare repositories: lines
// grouped by commit with anchors and highlighting, the ladder (climbing to
// the parent at the pre-rename path, landing on the line the parent diff
// maps to, the trail as crumbs), caching, the heavy-work limit and every
// rejection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { buildLadderRepo, type LadderRepo } from "./ladder-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { whileHeavyWorkIsFull } from "./heavy-limit.js";

let web: WebHarness;
let fx: FixtureRepo;
let ladder: LadderRepo;

beforeAll(async () => {
  web = await startWeb((repos) => {
    fx = buildFixtureRepo(repos, "demo");
    ladder = buildLadderRepo(repos);
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
  });
}, 60_000);

afterAll(async () => {
  await web?.close();
});

/** The rows of a blame table, by line number. */
function rows(html: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of html.matchAll(/<tr id="L(\d+)"[^>]*>.*?<\/tr>/g)) out.set(Number(m[1]), m[0]);
  return out;
}

/** Follow `?up=N` from a blame page: the redirect's target. */
async function climb(page: string, line: number): Promise<string> {
  const r = await web.get(`${page}${page.includes("?") ? "&" : "?"}up=${line}`);
  expect(r.status, r.text.slice(0, 300)).toBe(302);
  return r.headers.location!;
}

describe("blame page", () => {
  it("shows each line with its commit, grouped, highlighted and anchored", async () => {
    const r = await web.get("/demo/blame/main/now.c");
    expect(r.status).toBe(200);
    const table = rows(r.text);
    expect(table.size).toBe(40);
    // Line 10 came from the first rename; its group starts there and names the commit, subject on hover.
    const ten = table.get(10)!;
    expect(ten).toContain('class="g"');
    expect(ten).toContain(`href="/demo/commit/${fx.sha.renameOne}" title="Move old.c into lib/ · Quire Test · 2026-01-02">${fx.sha.renameOne.slice(0, 8)}</a>`);
    expect(ten).toContain('<a href="#L10">10</a>');
    // Lines 2–9 belong to line 1's group: no commit cell of their own.
    expect(table.get(5)).not.toContain('class="g"');
    expect(table.get(5)).toContain('<td class="bc"></td>');
    expect(table.get(5)).toMatch(/class="hl-(str|func|cmnt)"/);
    expect(table.get(5)).toContain("&quot;quoted&quot; &amp; &lt;b&gt;");
    expect(r.text).toContain("40 lines · 4 commits");
  });

  it("links each line to blame at its commit's parent, and root-commit lines to nothing", async () => {
    const table = rows((await web.get("/demo/blame/main/now.c")).text);
    expect(table.get(10)).toContain('<a href="?up=10" rel="nofollow" title="blame before f8b1689d, at old.c">');
    expect(table.get(30)).toContain('href="?up=30" rel="nofollow"');
    // Lines 1–9 came from the root commit: there is nothing before it.
    expect(table.get(3)).toContain('<td class="up"></td>');
    const root = await web.get("/demo/blame/main/now.c?up=3");
    expect(root.status).toBe(404);
    expect(root.text).toContain("where the file begins: there is nothing older to blame");
  });

  it("names the commit once per run of lines, and keeps every line's anchor and ladder link", async () => {
    const { c1, c2 } = ladder.sha;
    const r = await web.get("/ladder/blame/main/tale.txt");
    expect(r.status).toBe(200);
    const table = rows(r.text);
    expect(table.size).toBe(12);
    // Lines 1–3 came from c2 in one run: line 1 names it, lines 2 and 3 leave the cell empty but still climb.
    expect(table.get(1)).toContain(`<tr id="L1" class="g"><td class="bc"><a class="sha" href="/ladder/commit/${c2}" title="Add a preface &amp; shout &lt;six&gt; · Quire Test · 2026-02-02">`);
    expect(table.get(1)).toContain(`<td class="up"><a href="?up=1" rel="nofollow" title="blame before ${c2.slice(0, 8)}">↑</a></td>`);
    for (const n of [2, 3]) {
      expect(table.get(n)).toBe(
        `<tr id="L${n}"><td class="bc"></td><td class="up"><a href="?up=${n}" rel="nofollow">↑</a></td><td class="ln"><a href="#L${n}">${n}</a></td><td class="src">new ${"abc"[n - 1]}</td></tr>`,
      );
    }
    // Line 4 starts c1's run (the root commit: nothing to climb to).
    expect(table.get(4)).toContain(`<tr id="L4" class="g"><td class="bc"><a class="sha" href="/ladder/commit/${c1}"`);
    expect(table.get(4)).toContain('<td class="up"></td>');
    // Each row names its commit exactly when it starts a run; every line has its anchor.
    for (const [n, row] of table) {
      expect(row).toContain(`<td class="ln"><a href="#L${n}">${n}</a></td>`);
      expect(row.includes('class="sha"')).toBe(row.startsWith(`<tr id="L${n}" class="g">`));
      if (!row.includes('class="g"')) expect(row).not.toContain("title=");
    }
    const starts = [...table.values()].filter((row) => row.includes('class="g"')).length;
    expect(r.text.split('class="sha"').length - 1).toBe(starts);
    expect(starts).toBeLessThan(table.size);
  });

  it("climbs to the parent at the path before the rename, landing on the same line", async () => {
    const to = await climb("/demo/blame/main/now.c", 10);
    expect(to).toBe(`/demo/blame/${fx.sha.initial}/old.c?t=main:10:now.c#L10`);
    const page = await web.get(to.replace(/#.*/, ""));
    expect(page.status).toBe(200);
    expect(rows(page.text).get(10)).toContain("line 10\\n");
    expect(page.text).toContain('<a href="/demo/blame/main/now.c#L10" rel="nofollow">main now.c:10</a>');
  });

  it("maps the line through each parent diff and keeps the steps as crumbs", async () => {
    const { c1, c2 } = ladder.sha;
    // tale.txt line 10 ("EIGHT") was rewritten in c3; before it, c2's story.txt has "eight" on line 11 ("two" was still there).
    const first = await climb("/ladder/blame/main/tale.txt", 10);
    expect(first).toBe(`/ladder/blame/${c2}/story.txt?t=main:10:tale.txt#L11`);
    const atC2 = await web.get(first.replace(/#.*/, ""));
    expect(rows(atC2.text).get(11)).toContain(">eight<");
    // Line 9 of c2 ("SIX") was rewritten there; in c1, three lines fewer sit above it: line 6, "six".
    const second = await climb(first.replace(/#.*/, ""), 9);
    expect(second).toBe(`/ladder/blame/${c1}/story.txt?t=main:10:tale.txt&t=${c2}:9:story.txt#L6`);
    const atC1 = await web.get(second.replace(/#.*/, ""));
    expect(atC1.status).toBe(200);
    expect(rows(atC1.text).get(6)).toContain(">six<");
    const crumbs = /<nav class="trail[^"]*"[^>]*>(.*?)<\/nav>/.exec(atC1.text)![1]!;
    expect(crumbs).toContain('<a href="/ladder/blame/main/tale.txt#L10" rel="nofollow">main tale.txt:10</a>');
    expect(crumbs).toContain(`<a href="/ladder/blame/${c2}/story.txt?t=main:10:tale.txt#L9" rel="nofollow">${c2.slice(0, 8)} story.txt:9</a>`);
    expect(crumbs).toContain(`<strong>${c1.slice(0, 8)} story.txt</strong>`);
    // The ladder links of the page carry the trail on.
    expect(rows(atC1.text).get(1)).not.toContain("up=");
    expect(atC2.text).toContain(`href="?t=main:10:tale.txt&amp;up=9"`);
  });

  it("caches a page addressed by a full sha for good, and a ref page until a push", async () => {
    const bySha = await web.get(`/demo/blame/${fx.sha.head}/now.c`);
    expect(bySha.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await web.get(`/demo/blame/${fx.sha.head}/now.c`, { headers: { "If-None-Match": bySha.headers.etag! } })).status).toBe(304);
    expect((await web.get("/demo/blame/main/now.c")).headers["cache-control"]).toBe("no-cache");
  });

  it("says why a file has no blame instead of running git", async () => {
    const bin = await web.get("/demo/blame/main/bin/blob.dat");
    expect(bin.status).toBe(200);
    expect(bin.text).toContain("A binary file (8 B) has no lines to blame.");
    const dir = await web.get("/demo/blame/main/docs");
    expect(dir.status).toBe(302);
    expect(dir.headers.location).toBe("/demo/tree/main/docs");
    expect((await web.get("/demo/blame/main")).headers.location).toBe("/demo/tree/main");
  });

  it("answers 503 when the server already runs all the expensive work it allows", async () => {
    await whileHeavyWorkIsFull(async () => {
      const r = await web.get(`/demo/blame/main/now.c?busy=1`);
      expect(r.status).toBe(503);
      expect(r.headers["retry-after"]).toBe("5");
      expect(r.text).toContain("busy with other expensive pages");
    });
    expect((await web.get(`/demo/blame/main/now.c?busy=2`)).status).toBe(200);
  });
});

describe("blame rejections", () => {
  const cases: [string, number, RegExp][] = [
    ["/demo/blame/main/now.c?up=abc", 400, /must be one line number/],
    ["/demo/blame/main/now.c?up=0", 400, /must be one line number/],
    ["/demo/blame/main/now.c?up=1&up=2", 400, /must be one line number/],
    ["/demo/blame/main/now.c?up=41", 400, /now.c has 40 lines at main/],
    ["/demo/blame/main/now.c?t=garbage", 400, /is not REV:LINE:PATH/],
    ["/demo/blame/main/now.c?t=main:1:..%2Fx", 400, /bad path or ref/],
    ["/demo/blame/main/now.c?t=main:1:now.c%00", 400, /bad path or ref/],
    ["/demo/blame/main/caf%E9.txt", 400, /is not UTF-8/],
    ["/demo/blame/main/no/such.c", 404, /main has no/],
    ["/demo/blame/nosuchref/now.c", 404, /no branch, tag or commit/],
    ["/demo/blame/main/docs?up=1", 400, /not a file/],
    ["/secret/blame/main/now.c", 404, /no such repository/],
  ];
  it.each(cases)("%s answers %i", async (p, status, message) => {
    const r = await web.get(p);
    expect(r.status).toBe(status);
    expect(r.text).toMatch(message);
    expect(r.text).not.toMatch(/at \w+ \(|node:internal/);
  });

  it("shows a private repository's blame to a reader the Unix socket vouches for", async () => {
    const socketWeb = await startWeb((repos) => void buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" }), {
      httpSocket: path.join(web.dataDir, "web.sock"),
    });
    try {
      const { request } = await import("./harness.js");
      const r = await request(socketWeb.base, "/secret/blame/main/now.c", { socketPath: socketWeb.quire.config.httpSocket!, headers: { "Remote-User": "alice" } });
      expect(r.status).toBe(200);
      expect(r.headers["cache-control"]).toBe("private, no-cache");
    } finally {
      await socketWeb.close();
    }
  }, 60_000);
});
