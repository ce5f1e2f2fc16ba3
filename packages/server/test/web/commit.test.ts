// The commit page on real bare repositories: message, people, parents, change
// id, diffstat and highlighted diff with renames; merges; short names that
// redirect; huge diffs cut by files, lines, bytes and time; the long-lived
// diff-tree under concurrent requests; and every rejection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { buildDagRepo, type DagCommit } from "./dag-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { gitEnv } from "../git/git-helpers.js";
import { DIFF_LIMITS } from "../../src/web/pages/commit.js";
import { WEB_LIMITS } from "../../src/web/limits.js";
import { whileHeavyWorkIsFull } from "./heavy-limit.js";

let web: WebHarness;
let fx: FixtureRepo;
let big: { dir: string; shas: string[] };

beforeAll(async () => {
  web = await startWeb((repos) => {
    fx = buildFixtureRepo(repos, "demo");
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
    const many: Record<string, string> = {};
    for (let i = 0; i < DIFF_LIMITS.normal.maxFiles + 50; i++) many[`files/f${String(i).padStart(3, "0")}.txt`] = `file ${i}\n`;
    const long = Array.from({ length: DIFF_LIMITS.normal.maxLines + 500 }, (_, i) => `line ${i} <tag> & "q"`).join("\n") + "\n";
    const huge = Array.from({ length: 90_000 }, (_, i) => `${"x".repeat(50)} ${i}`).join("\n") + "\n";
    const dag: DagCommit[] = [
      { parents: [], time: 1_700_000_000, files: { "a.txt": "a\n" }, message: "root" },
      { parents: [0], time: 1_700_000_060, files: many, message: "many files" },
      { parents: [1], time: 1_700_000_120, files: { "long.txt": long }, message: "one long file" },
      { parents: [2], time: 1_700_000_180, files: { "huge.txt": huge }, message: "over four MiB of diff" },
    ];
    big = buildDagRepo(repos, "big", dag);
  });
}, 120_000);

afterAll(async () => {
  await web?.close();
});

/** The text of a page without tags, for reading what a person sees. */
function visible(html: string): string {
  return html.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

describe("a commit", () => {
  it("shows message, author, parent, a rename with its similarity, diffstat and highlighted lines", async () => {
    const r = await web.get(`/demo/commit/${fx.sha.renameOne}`);
    expect(r.status).toBe(200);
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const text = visible(r.text);
    expect(text).toContain("Move old.c into lib/");
    expect(text).toContain("author Quire Test <test@example.invalid> 2026-01-02 12:00 UTC");
    expect(r.text).toContain(`href="/demo/commit/${fx.sha.initial}"`);
    expect(text).toContain("old.c → lib/old.c");
    expect(text).toContain("renamed (97% similar)");
    expect(text).toContain("1 file changed+1−1");
    // The changed line, highlighted, escaped, with old and new numbers.
    expect(r.text).toMatch(/<tr class="del"><td>10<\/td><td><\/td><td>.*line 10.*<\/td><\/tr>/);
    expect(r.text).toMatch(/<tr class="add"><td><\/td><td>10<\/td><td>.*line ten.*<\/td><\/tr>/);
    expect(r.text).toMatch(/<tr><td>9<\/td><td>9<\/td><td>.*line 9.*<\/td><\/tr>/);
    expect(r.text).toContain("&lt;b&gt;");
    expect(r.text).toMatch(/class="hl-(str|cmnt|func)"/);
    expect(r.text).toContain(`href="/demo/blob/${fx.sha.renameOne}/lib/old.c"`);
  });

  it("shows the body of the message and every file of a root commit, binary ones described", async () => {
    const r = await web.get(`/demo/commit/${fx.sha.initial}`);
    const text = visible(r.text);
    expect(text).toContain("With a body line.");
    expect(text).toContain("8 files changed");
    expect(text).toContain("A binary file; its contents are not shown.");
    expect(r.text).not.toContain("<script>window.__pwned");
    expect(r.text).toContain("a &lt;b&gt; &quot;q&quot; &amp; &#39;s.txt");
  });

  it("shows a merge against its first parent and says so", async () => {
    const r = await web.get(`/demo/commit/${fx.sha.merge}`);
    const text = visible(r.text);
    expect(text).toContain("This is a merge of 2 parents. The diff below is against the first parent");
    expect(text).toContain("feature.txt");
    expect(text).not.toContain("lib/old.c");
    expect(r.text).toContain(`href="/demo/commit/${fx.sha.feature}"`);
  });

  it("shows the jj change id a commit carries", async () => {
    const text = visible((await web.get(`/demo/commit/${fx.sha.changeId}`)).text);
    expect(text).toContain(`change-id ${fx.changeId}`);
    expect(text).toContain("No changes against the first parent.");
  });

  it("names a file that is not UTF-8 and links to it by its bytes", async () => {
    const r = await web.get(`/demo/commit/${fx.sha.head}`);
    expect(r.status).toBe(200);
    expect(r.text).toContain("caf\uFFFD.txt");
    expect(r.text).toContain(`href="/demo/blob/${fx.sha.head}/caf%E9.txt"`);
  });
});

describe("names of a commit", () => {
  it("redirects a unique prefix of 7+ digits, a branch and a tag to the full sha", async () => {
    for (const name of [fx.sha.merge.slice(0, 7), fx.sha.merge.slice(0, 12).toUpperCase()]) {
      const r = await web.get(`/demo/commit/${name}`);
      expect(r.status).toBe(302);
      expect(r.headers.location).toBe(`/demo/commit/${fx.sha.merge}`);
    }
    expect((await web.get("/demo/commit/main")).headers.location).toBe(`/demo/commit/${fx.sha.head}`);
    expect((await web.get("/demo/commit/v0.2")).headers.location).toBe(`/demo/commit/${fx.sha.renameTwo}`);
    expect((await web.get(`/demo/commit/${fx.sha.merge.slice(0, 9)}?full=1`)).headers.location).toBe(`/demo/commit/${fx.sha.merge}?full=1`);
  });

  it("sends the sha of an annotated tag to its commit for good", async () => {
    const tag = execFileSync("git", ["rev-parse", "refs/tags/v0.2"], { env: gitEnv({ GIT_DIR: fx.dir }), encoding: "utf8" }).trim();
    const r = await web.get(`/demo/commit/${tag}`);
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`/demo/commit/${fx.sha.renameTwo}`);
  });

  it("refuses short prefixes and answers unknown names with a 404 that helps", async () => {
    const short = await web.get(`/demo/commit/${fx.sha.merge.slice(0, 6)}`);
    expect(short.status).toBe(400);
    expect(short.text).toContain("at least 7 hex digits");
    const none = await web.get("/demo/commit/no-such-thing");
    expect(none.status).toBe(404);
    expect(none.text).toContain('href="/demo/refs"');
    expect((await web.get("/demo/commit/fffffff")).status).toBe(404);
    // A prefix of a tree is not a commit.
    const tree = execFileSync("git", ["rev-parse", `${fx.sha.merge}^{tree}`], { env: gitEnv({ GIT_DIR: fx.dir }), encoding: "utf8" }).trim();
    expect((await web.get(`/demo/commit/${tree.slice(0, 10)}`)).status).toBe(404);
    expect((await web.get("/demo/commit/%E9")).status).toBe(404);
    expect((await web.get("/demo/commit")).status).toBe(404);
  });

  it("answers a full sha it does not have with the push-history 404", async () => {
    const gone = "abcdef1234567890abcdef1234567890abcdef12";
    await web.push({ repo: "demo", pusher: "dana", refs: [{ ref: "refs/heads/feature", old_sha: gone, new_sha: fx.sha.feature }] });
    const r = await web.get(`/demo/commit/${gone}`);
    expect(r.status).toBe(404);
    expect(r.text).toContain("refs/heads/feature pointed at it until");
    expect(r.text).toContain("pushed by dana");
  });

  it("refuses ?full= other than 1, and private repositories are absent", async () => {
    const r = await web.get(`/demo/commit/${fx.sha.merge}?full=yes`);
    expect(r.status).toBe(400);
    expect(r.text).toContain("?full= takes only 1");
    expect((await web.get(`/secret/commit/${fx.sha.merge}`)).status).toBe(404);
    expect((await web.get("/secret/commit/main")).status).toBe(404);
  });
});

describe("huge diffs", () => {
  it("cuts after a number of files, lists every file, and links to the whole diff", async () => {
    const r = await web.get(`/big/commit/${big.shas[1]}`);
    const text = visible(r.text);
    expect(text).toContain(`${DIFF_LIMITS.normal.maxFiles + 50} files changed`);
    expect(text).toContain("The diff is cut: 50 more files not shown.");
    expect(r.text).toContain(`href="/big/commit/${big.shas[1]}?full=1" rel="nofollow"`);
    // Files past the cut link to the file itself; the ones shown to their diff.
    expect(r.text).toContain(`href="/big/blob/${big.shas[1]}/files/f249.txt"`);
    expect(r.text).toContain('href="#d1"');
    const full = await web.get(`/big/commit/${big.shas[1]}?full=1`);
    expect(full.status).toBe(200);
    expect(full.text).not.toContain("The diff is cut");
    expect(full.text).toContain(`id="d${DIFF_LIMITS.normal.maxFiles + 50}"`);
  });

  it("counts the whole diff as expensive work: 503 when that is full, while the ordinary page still answers", async () => {
    await whileHeavyWorkIsFull(async () => {
      const r = await web.get(`/big/commit/${big.shas[1]}?full=1&busy=1`);
      expect(r.status).toBe(503);
      expect(r.headers["retry-after"]).toBeDefined();
      expect((await web.get(`/big/commit/${big.shas[1]}?busy=1`)).status).toBe(200);
    });
  });

  it("cuts a long file after a number of lines", async () => {
    const r = await web.get(`/big/commit/${big.shas[2]}`);
    expect(r.text).toContain("The diff is cut here: it is longer than a page shows.");
    expect((r.text.match(/<tr class="add">/g) ?? []).length).toBe(DIFF_LIMITS.normal.maxLines);
    expect(r.text).toContain("line 4999 &lt;tag&gt; &amp; &quot;q&quot;");
    expect(r.text).not.toContain("line 5000 &lt;tag&gt;");
    const full = await web.get(`/big/commit/${big.shas[2]}?full=1`);
    expect((full.text.match(/<tr class="add">/g) ?? []).length).toBe(DIFF_LIMITS.normal.maxLines + 500);
  });

  it("stops reading a diff past its byte cap, says so, and the next diff still comes whole", async () => {
    const r = await web.get(`/big/commit/${big.shas[3]}`);
    expect(r.status).toBe(200);
    expect(visible(r.text)).toContain("The diff is larger than a page reads, so its end is not shown here.");
    expect(visible(r.text)).toContain("1 file changed+90000−0");
    // The long-lived diff-tree was stopped mid-answer; the next request gets a fresh one.
    const after = await web.get(`/big/commit/${big.shas[0]}`);
    expect(visible(after.text)).toContain("a.txt");
    expect(after.text).not.toContain("larger than a page reads");
  });

  it("stops a diff at its time budget, says so, keeps the page only until the next push, and recovers", async () => {
    const saved = WEB_LIMITS.diffMs;
    WEB_LIMITS.diffMs = 1;
    try {
      const r = await web.get(`/big/commit/${big.shas[3]}?slow=1`);
      expect(r.status).toBe(200);
      expect(visible(r.text)).toContain("The diff took longer than a page may spend on it, so its end is not shown here.");
      expect(r.headers["cache-control"]).toBe("no-cache");
    } finally {
      WEB_LIMITS.diffMs = saved;
    }
    const after = await web.get(`/big/commit/${big.shas[2]}?slow=2`);
    expect(after.text).not.toContain("took longer");
    expect(after.text).toContain("line 4999 &lt;tag&gt;");
  });

  it("answers many commit pages at once, each with its own diff", async () => {
    const shas = [fx.sha.initial, fx.sha.renameOne, fx.sha.feature, fx.sha.merge, fx.sha.renameTwo, fx.sha.changeId, fx.sha.head, fx.sha.pushRef];
    const alone: string[] = [];
    for (const sha of shas) alone.push(visible((await web.get(`/demo/commit/${sha}?one=${sha}`)).text));
    const together = await Promise.all([...shas, ...shas].map((sha, i) => web.get(`/demo/commit/${sha}?many=${i}`)));
    together.forEach((r, i) => expect(visible(r.text)).toBe(alone[i % shas.length]));
  });
});
