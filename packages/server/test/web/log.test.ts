// The log page on real bare repositories: git's order with refs marked, exact
// `?after=SHA` paging on merge-heavy graphs (also past the in-process walk),
// a file's history across renames with its trail, and every rejection (bad
// `after`, unknown sha, non-UTF-8 path, missing path, private repository).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { buildDagRepo, gitLogOrder, type DagCommit } from "./dag-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { gitEnv } from "../git/git-helpers.js";
import { RepoReader } from "../../src/web/git/reader.js";
import { readLog, WALK_MAX } from "../../src/web/git/log.js";
import { whileHeavyWorkIsFull } from "./heavy-limit.js";

let web: WebHarness;
let fx: FixtureRepo;
let merges: { dir: string; shas: string[] };
let deep: { dir: string; shas: string[] };
let edits: { dir: string; shas: string[] };

/** A merge-heavy graph: three lines of work merged back now and then, with equal dates and skew. */
function mergeGraph(n: number): DagCommit[] {
  const dag: DagCommit[] = [{ parents: [], time: 1_700_000_000 }];
  const tips = [0, 0, 0];
  for (let i = 1; i < n; i++) {
    const line = i % 3;
    const parents = i % 7 === 0 ? [tips[line]!, tips[(line + 1) % 3]!].filter((p, k, a) => a.indexOf(p) === k) : [tips[line]!];
    // Dates repeat and sometimes run backwards, as real clocks do.
    dag.push({ parents, time: 1_700_000_000 + Math.floor(i / 2) * 60 - (i % 11 === 0 ? 3600 : 0), files: { "f.txt": `version ${i}\n` } });
    tips[line] = i;
  }
  dag.push({ parents: [tips[0]!, tips[1]!, tips[2]!], time: 1_700_000_000 + n * 60 });
  return dag;
}

beforeAll(async () => {
  web = await startWeb((repos) => {
    fx = buildFixtureRepo(repos, "demo");
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
    merges = buildDagRepo(repos, "merges", mergeGraph(130));
    deep = buildDagRepo(repos, "deep", mergeGraph(WALK_MAX + 120));
    // One file edited in 70 commits and renamed (unchanged) twice on the way.
    const dag: DagCommit[] = [];
    let name = "first.txt";
    let content = "";
    for (let i = 0; i < 70; i++) {
      const t = 1_700_000_000 + i * 60;
      if (i === 30 || i === 50) {
        const next = i === 30 ? "dir/second.txt" : "third.txt";
        dag.push({ parents: [i - 1], time: t, files: { [next]: content }, deletes: [name], message: `rename to ${next}` });
        name = next;
        continue;
      }
      content = Array.from({ length: 20 }, (_, k) => `line ${k}${k === i % 20 ? ` edited in ${i}` : ""}\n`).join("");
      dag.push({ parents: i === 0 ? [] : [i - 1], time: t, files: { [name]: content } });
    }
    edits = buildDagRepo(repos, "edits", dag);
  });
  // Each DAG repository's default branch is its last commit.
  for (const r of [merges, deep, edits]) {
    execFileSync("git", ["update-ref", "refs/heads/main", r.shas[r.shas.length - 1]!], { env: gitEnv({ GIT_DIR: r.dir }) });
    execFileSync("git", ["symbolic-ref", "HEAD", "refs/heads/main"], { env: gitEnv({ GIT_DIR: r.dir }) });
  }
}, 120_000);

afterAll(async () => {
  await web?.close();
});

/** Follow "older" links from `first` to the end; the shas listed, in order. */
async function allPages(first: string): Promise<{ shas: string[]; pages: number }> {
  const shas: string[] = [];
  let url: string | null = first;
  let pages = 0;
  while (url !== null) {
    const r = await web.get(url);
    expect(r.status).toBe(200);
    pages++;
    const rows = [...r.text.matchAll(/<tr><td class="nowrap"><a class="sha" href="\/[^"]+\/commit\/([0-9a-f]{40})"/g)].map((m) => m[1]!);
    shas.push(...rows);
    const next = /<a href="([^"]+)"(?: rel="nofollow")?>older →<\/a>/.exec(r.text);
    url = next === null ? null : next[1]!.replace(/&amp;/g, "&");
  }
  return { shas, pages };
}

describe("a ref's log", () => {
  it("lists the commits as git log does, 50 a page, with branches and tags marked", async () => {
    const r = await web.get("/demo/log/main");
    expect(r.status).toBe(200);
    expect(r.headers["cache-control"]).toBe("no-cache");
    const listed = [...r.text.matchAll(/class="sha" href="\/demo\/commit\/([0-9a-f]{40})"/g)].map((m) => m[1]);
    expect(listed).toEqual(gitLogOrder(fx.dir, fx.sha.head));
    expect(r.text).toContain('<a class="pill ref-branch ref-head" href="/demo/log/main">main</a>');
    expect(r.text).toContain('<a class="pill ref-tag" href="/demo/tree/v0.2">v0.2</a>');
    expect(r.text).toContain("Merge branch &#39;feature&#39;");
    expect(r.text).not.toContain("older →");
  });

  it("pages with ?after=SHA through a merge-heavy graph without skipping or repeating a commit", async () => {
    const { shas, pages } = await allPages("/merges/log/main");
    expect(pages).toBe(3);
    expect(shas).toEqual(gitLogOrder(merges.dir, merges.shas[merges.shas.length - 1]!));
  });

  it("stays exact past the in-process walk, where git log lists the deep pages", async () => {
    const { shas, pages } = await allPages("/deep/log/main");
    expect(pages).toBe(Math.ceil(shas.length / 50));
    expect(shas).toEqual(gitLogOrder(deep.dir, deep.shas[deep.shas.length - 1]!));
  }, 60_000);

  it("a page addressed by a full sha is immutable and shows no refs (they move)", async () => {
    const r = await web.get(`/demo/log/${fx.sha.head}`);
    expect(r.status).toBe(200);
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(r.text).not.toContain("pill ref-");
  });

  it("/REPO/log goes to the default branch, and the Log tab links there", async () => {
    const r = await web.get("/demo/log");
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("/demo/log/main");
    const home = await web.get("/demo");
    expect(home.text).toContain('<a href="/demo/log/main">Log</a>');
  });
});

describe("a path's log", () => {
  it("follows a file across renames and shows the trail", async () => {
    const r = await web.get("/demo/log/main/now.c");
    expect(r.status).toBe(200);
    const listed = [...r.text.matchAll(/<tr><td class="nowrap"><a class="sha" href="\/demo\/commit\/([0-9a-f]{40})"/g)].map((m) => m[1]);
    expect(listed).toEqual(gitLogOrder(fx.dir, fx.sha.head, ["--follow"], ["now.c"]));
    expect(listed).toContain(fx.sha.initial);
    const trail = /<p class="trail[^"]*">([\s\S]*?)<\/p>/.exec(r.text)![1]!.replace(/<[^>]+>/g, "");
    expect(trail).toBe(`now.c ← lib/old.c (${fx.sha.renameTwo.slice(0, 12)}) ← old.c (${fx.sha.renameOne.slice(0, 12)})`);
    expect(r.text).toContain(`href="/demo/blob/${fx.sha.merge}/lib/old.c"`);
    expect(r.text).toContain("(as lib/old.c)");
    expect(r.text).toContain("(as old.c)");
  });

  it("pages a followed file's history exactly, renames and all", async () => {
    const tip = edits.shas[edits.shas.length - 1]!;
    const { shas, pages } = await allPages("/edits/log/main/third.txt");
    expect(pages).toBe(2);
    expect(shas).toEqual(gitLogOrder(edits.dir, tip, ["--follow"], ["third.txt"]));
    const r = await web.get("/edits/log/main/third.txt");
    expect(r.text).toMatch(/third\.txt ← .*dir\/second\.txt.* ← .*first\.txt/);
  });

  it("answers 503 with Retry-After when expensive work is full, and the history once it is free", async () => {
    await whileHeavyWorkIsFull(async () => {
      const r = await web.get("/demo/log/main/src/main.fnl");
      expect(r.status).toBe(503);
      expect(r.headers["retry-after"]).toBeDefined();
      // A ref's log is not expensive work: it is still answered.
      expect((await web.get("/demo/log/main?busy=1")).status).toBe(200);
    });
    expect((await web.get("/demo/log/main/src/main.fnl")).status).toBe(200);
  });

  it("lists a directory's history without following", async () => {
    const r = await web.get("/demo/log/main/src");
    expect(r.status).toBe(200);
    expect(r.text).not.toContain("following renames");
    expect([...r.text.matchAll(/class="sha" href="\/demo\/commit\/([0-9a-f]{40})"/g)].map((m) => m[1])).toEqual([fx.sha.initial]);
  });

  it("reports a walk cut by its time budget as partial", async () => {
    // Following f.txt through 1,600 commits takes git far longer than a 1 ms budget.
    const reader = new RepoReader({ name: "deep.git", group: null, base: "deep", dir: deep.dir });
    try {
      const tip = deep.shas[deep.shas.length - 1]!;
      const page = await readLog(reader, { tip, path: "f.txt", follow: true, limit: 50, timeoutMs: 1 });
      expect(page.cut).toBe("time");
      // What arrived before the budget ran out is the start of the history, nothing made up.
      const whole = gitLogOrder(deep.dir, tip, ["--follow"], ["f.txt"]);
      expect(page.entries.map((e) => e.oid)).toEqual(whole.slice(0, page.entries.length));
      // A cut walk is not kept: the next reader walks again.
      const again = await readLog(reader, { tip, path: "f.txt", follow: true, limit: 50 });
      expect(again.cut).toBeNull();
      expect(again.entries.map((e) => e.oid)).toEqual(whole.slice(0, 50));
    } finally {
      reader.close();
    }
  });
});

describe("rejections", () => {
  it("refuses an ?after= that is not a full sha, and names the fix", async () => {
    for (const bad of ["abc", "main", "x".repeat(40), "%27%3E"]) {
      const r = await web.get(`/demo/log/main?after=${bad}`);
      expect(r.status).toBe(400);
      expect(r.text).toContain("full sha");
    }
  });

  it("says so when ?after= names a commit outside the history", async () => {
    const r = await web.get(`/demo/log/feature?after=${fx.sha.pushRef}`);
    expect(r.status).toBe(404);
    expect(r.text).toContain("is not in this history");
    expect(r.text).toContain('href="/demo/log/feature"');
  });

  it("answers 400 for the history of a file whose name is not UTF-8", async () => {
    const r = await web.get("/demo/log/main/caf%E9.txt");
    expect(r.status).toBe(400);
    expect(r.text).toContain("not UTF-8");
  });

  it("answers 404 for unknown refs and paths, and for private repositories", async () => {
    expect((await web.get("/demo/log/nosuchbranch")).status).toBe(404);
    expect((await web.get("/demo/log/main/no/such/file")).status).toBe(404);
    expect((await web.get(`/demo/log/${"0".repeat(40)}`)).status).toBe(404);
    expect((await web.get("/secret/log/main")).status).toBe(404);
    expect((await web.get("/secret/log")).status).toBe(404);
  });
});

describe("the walk itself", () => {
  it("hands the same page to `after` whether walked in process or by git", async () => {
    const reader = new RepoReader({ name: "deep.git", group: null, base: "deep", dir: deep.dir });
    try {
      const order = gitLogOrder(deep.dir, deep.shas[deep.shas.length - 1]!);
      const at = WALK_MAX - 10;
      const page = await readLog(reader, { tip: deep.shas[deep.shas.length - 1]!, after: order[at], limit: 50 });
      expect(page.entries.map((e) => e.oid)).toEqual(order.slice(at + 1, at + 51));
    } finally {
      reader.close();
    }
  });
});

