// The web view's foundation against a real quire and real bare repositories:
// the repo list, tree, file and raw pages, the README sanitiser, path
// rejections, privacy and Remote-User trust, caching (ETag, immutable, push
// invalidation) and the friendly 404 for a sha a push left behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { request, startWeb, type WebHarness } from "./harness.js";
import { gitEnv } from "../git/git-helpers.js";
import { MAX_HIGHLIGHT_BYTES, MAX_SHOWN_BYTES } from "../../src/web/pages/blob.js";

let web: WebHarness;
let fx: FixtureRepo;
let socketPath: string;

beforeAll(async () => {
  web = await startWeb(
    (repos) => {
      fx = buildFixtureRepo(repos, "demo");
      buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
      buildFixtureRepo(path.join(repos, "team"), "app");
      buildFixtureRepo(repos, "broken", { configFnl: "{:private (" });
      buildLargeFiles(repos);
    },
    { httpSocket: path.join(os.tmpdir(), `quire-web-test-${process.pid}.sock`) },
  );
}, 60_000);

afterAll(async () => {
  await web?.close();
});

let bigJsLines = 0;

/** A repository "large" with a file just over the highlighting limit and one over the shown limit. */
function buildLargeFiles(repos: string): void {
  const work = mkdtempSync(path.join(os.tmpdir(), "quire-large-"));
  const git = (args: string[]) => execFileSync("git", args, { cwd: work, env: gitEnv() });
  git(["init", "-q", "-b", "main"]);
  const line = (i: number) => `const value${i} = "${"x".repeat(40)}"; // <line ${i}>\n`;
  let js = "";
  for (let i = 1; js.length <= MAX_HIGHLIGHT_BYTES; i++, bigJsLines++) js += line(i);
  writeFileSync(path.join(work, "big.js"), js);
  writeFileSync(path.join(work, "huge.txt"), "y".repeat(MAX_SHOWN_BYTES + 1));
  writeFileSync(path.join(work, "small.js"), line(1));
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "large files"]);
  execFileSync("git", ["clone", "-q", "--bare", work, path.join(repos, "large.git")], { env: gitEnv() });
  rmSync(work, { recursive: true, force: true });
}

describe("pages", () => {
  it("lists public repositories and hides private ones from anonymous readers", async () => {
    const r = await web.get("/");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.text).toContain('href="/demo"');
    expect(r.text).toContain('href="/team/app"');
    expect(r.text).not.toContain("secret");
    // A config that does not evaluate makes the repository private: privacy fails closed.
    expect(r.text).not.toContain('href="/broken"');
  });

  it("lists a tree with directories first and escapes hostile names", async () => {
    const r = await web.get("/demo/tree/main");
    expect(r.status).toBe(200);
    expect(r.text.indexOf(">bin/<")).toBeLessThan(r.text.indexOf(">now.c<"));
    const sub = await web.get("/demo/tree/main/weird");
    expect(sub.text).not.toContain("<b>");
    expect(sub.text).toContain("a &lt;b&gt; &quot;q&quot; &amp; &#39;s.txt");
    expect(sub.text).toContain('href="/demo/blob/main/weird/a%20%3Cb%3E%20%22q%22%20&amp;%20&#39;s.txt"');
    const followed = await web.get("/demo/blob/main/weird/a%20%3Cb%3E%20%22q%22%20&%20's.txt");
    expect(followed.status).toBe(200);
    expect(followed.text).toContain("a file with a hostile name");
  });

  it("serves a file whose name is not UTF-8 by its percent-encoded bytes", async () => {
    const r = await web.get("/demo/blob/main/caf%E9.txt");
    expect(r.status).toBe(200);
    expect(r.text).toContain("latin-1 named file");
  });

  it("shows a file with line anchors and highlighting, and marks ?lines=A-B without script", async () => {
    const r = await web.get("/demo/blob/main/now.c?lines=2-4");
    expect(r.status).toBe(200);
    expect(r.text).toContain('<tr id="L12"><td class="ln"><a href="#L12">12</a>');
    expect(r.text).toContain('<tr id="L3" class="hl">');
    expect(r.text).not.toContain('<tr id="L5" class="hl">');
    expect(r.text).toMatch(/class="hl-(kwd|str|cmnt)"/);
    expect(r.text).toContain("&quot;quoted&quot; &amp; &lt;b&gt;");
    const fnl = await web.get("/demo/blob/main/src/main.fnl");
    expect(fnl.text).toContain('<span class="hl-kwd">local</span>');
    expect(fnl.text).toContain('<span class="hl-kwd">fn</span>');
  });

  it("shows images, describes binary files and redirects a directory to its tree", async () => {
    expect((await web.get("/demo/blob/main/img/logo.png")).text).toContain('<img src="/demo/raw/main/img/logo.png"');
    expect((await web.get("/demo/blob/main/bin/blob.dat")).text).toContain("A binary file");
    const dir = await web.get("/demo/blob/main/docs");
    expect(dir.status).toBe(302);
    expect(dir.headers.location).toBe("/demo/tree/main/docs");
  });

  it("shows a file over the highlighting limit plain with a note, and one over the shown limit only as a raw link", async () => {
    const small = await web.get("/large/blob/main/small.js");
    expect(small.text).toMatch(/class="hl-(kwd|str|cmnt)"/);
    const big = await web.get("/large/blob/main/big.js");
    expect(big.status).toBe(200);
    expect(big.text).toContain("This file is over 512 KiB, so it is shown without highlighting.");
    expect(big.text).not.toMatch(/class="hl-/);
    expect(big.text).toContain("&lt;line 1&gt;");
    expect([...big.text.matchAll(/<tr id="L\d+"/g)].length).toBe(bigJsLines);
    const huge = await web.get("/large/blob/main/huge.txt");
    expect(huge.status).toBe(200);
    expect(huge.text).toMatch(/This file is 5\.0 MiB, too large to show here\. <a href="\/large\/raw\/main\/huge\.txt">Download it raw<\/a>/);
    expect(huge.text).not.toContain("yyyy");
    expect(huge.body.length).toBeLessThan(64 * 1024);
    const raw = await web.get("/large/raw/main/huge.txt");
    expect(raw.body.length).toBe(MAX_SHOWN_BYTES + 1);
  });

  it("shows SSH and HTTP clone URLs, from :host when set and never from a Host header kept in the cache", async () => {
    const ssh = (t: string) => /value="([^"]*)" aria-label="SSH clone URL"/.exec(t)?.[1];
    const httpUrl = (t: string) => /value="([^"]*)" aria-label="HTTP clone URL"/.exec(t)?.[1];
    const home = await web.get("/demo");
    expect(ssh(home.text)).toBe("git@127.0.0.1:demo.git");
    expect(httpUrl(home.text)).toBe(`${web.base}/demo.git`);
    // A request naming another host must not change what the next reader is shown.
    const spoofed = await web.get("/team/app", { headers: { Host: "evil.example" } });
    expect(spoofed.status).toBe(200);
    expect(ssh((await web.get("/team/app")).text)).toBe("git@127.0.0.1:team/app.git");
    const hosted = await startWeb((repos) => void buildFixtureRepo(repos, "demo"), { host: "forge.example.org" });
    try {
      const page = await hosted.get("/demo", { headers: { Host: "evil.example" } });
      expect(ssh(page.text)).toBe("git@forge.example.org:demo.git");
      expect(httpUrl(page.text)).toBe("https://forge.example.org/demo.git");
    } finally {
      await hosted.close();
    }
  }, 60_000);

  it("serves raw HTML as inert text and images as themselves", async () => {
    const html = await web.get("/demo/raw/main/page.html");
    expect(html.status).toBe(200);
    expect(html.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(html.headers["x-content-type-options"]).toBe("nosniff");
    expect(html.headers["content-security-policy"]).toContain("sandbox");
    expect(html.text).toContain("<script>");
    const png = await web.get("/demo/raw/main/img/logo.png");
    expect(png.headers["content-type"]).toBe("image/png");
    expect(png.body.subarray(0, 4).toString("hex")).toBe("89504e47");
    expect((await web.get("/demo/raw/main/bin/blob.dat")).headers["content-type"]).toBe("application/octet-stream");
  });

  it("renders the README with relative links rewritten and every script trick inert", async () => {
    const r = await web.get("/demo");
    expect(r.status).toBe(200);
    expect(r.text).toContain('href="/demo/blob/main/docs/guide.md"');
    expect(r.text).toContain('href="/demo/tree/main/src"');
    expect(r.text).toContain('src="/demo/raw/main/img/logo.png"');
    expect(r.text).toContain('href="#md-usage"');
    expect(r.text).toContain('id="md-usage"');
    const readme = r.text.slice(r.text.indexOf('id="readme"'));
    expect(readme).not.toMatch(/<script|onerror|onclick|href="javascript:|<iframe|<svg|style=|<form|data:image\/svg/i);
    expect(readme).not.toContain("etc/passwd\"");
    expect(r.headers["content-security-policy"]).toContain("script-src 'self'");
  });

  it("shows grouped repositories by group/name", async () => {
    const r = await web.get("/team/app/tree/main/docs");
    expect(r.status).toBe(200);
    expect(r.text).toContain("guide.md");
  });
});

describe("bad input", () => {
  const badPaths: [string, number][] = [
    ["/demo/tree/main//now.c", 400],
    ["/demo/tree/main/%00", 400],
    ["/demo/tree/main/a%2Fb", 400],
    ["/demo/tree/main/%ZZ", 400],
    ["/demo/tree/main/../../../etc/passwd", 400],
    ["/demo/blob/main/.%2e/.%2e/config.fnl", 400],
    ["/nosuchrepo", 404],
    ["/demo/tree/nosuchref", 404],
    ["/demo/tree/main/no/such/file", 404],
    ["/demo/blob/main/" + "x".repeat(9000), 400],
    ["/demo/nosuchpage/main", 404],
    ["/../config.fnl", 400],
  ];
  it.each(badPaths.map(([p, status]) => [p.length > 80 ? `${p.slice(0, 40)}… (${p.length} bytes)` : p, p, status] as const))("%s answers %i with a page that says what is wrong", async (_label, p, status) => {
    const r = await request(web.base, p);
    expect(r.status).toBe(status);
    expect(r.headers["content-type"]).toContain("text/html");
    expect(r.text).toMatch(/<h1>\d{3} · /);
    expect(r.text).not.toMatch(/at \w+ \(|node:internal|\/repos\//);
  });

  it("answers JSON to clients that ask for it, and refuses writes", async () => {
    const r = await request(web.base, "/nosuchrepo", { headers: { Accept: "application/json" } });
    expect(JSON.parse(r.text).error.code).toBe("not_found");
    expect((await request(web.base, "/demo/tree/main", { method: "POST" })).status).toBe(405);
  });
});

describe("privacy and identity", () => {
  it("a private repository is a 404 to anonymous readers on every path, like a missing one", async () => {
    for (const p of ["/secret", "/secret/tree/main", "/secret/blob/main/now.c", "/secret/raw/main/now.c"]) {
      const r = await web.get(p);
      expect(r.status).toBe(404);
      expect(r.text).not.toContain("now.c\n");
    }
    const missing = await web.get("/nosuchrepo");
    const hidden = await web.get("/secret");
    expect(hidden.text.replace(/secret/g, "X")).toBe(missing.text.replace(/nosuchrepo/g, "X"));
  });

  it("ignores Remote-User from an address that is not a trusted proxy", async () => {
    const r = await web.get("/secret", { headers: { "Remote-User": "alice" } });
    expect(r.status).toBe(404);
  });

  it("honours Remote-User through the Unix-socket listener", async () => {
    socketPath = web.quire.config.httpSocket!;
    const r = await request(web.base, "/secret/tree/main", { socketPath, headers: { "Remote-User": "alice" } });
    expect(r.status).toBe(200);
    expect(r.text).toContain("signed in as alice");
    const list = await request(web.base, "/", { socketPath, headers: { "Remote-User": "alice" } });
    expect(list.text).toContain('href="/secret"');
    // Without the header, the socket is anonymous like anyone else.
    expect((await request(web.base, "/secret", { socketPath })).status).toBe(404);
  });

  it("honours Remote-User from a configured proxy address, and only from it", async () => {
    const trusted = await startWeb((repos) => void buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" }), {
      trustedProxies: ["127.0.0.0/8"],
    });
    try {
      expect((await trusted.get("/secret", { headers: { "Remote-User": "bob" } })).status).toBe(200);
      expect((await trusted.get("/secret", { headers: { "Remote-User": "b".repeat(201) } })).status).toBe(404);
      expect((await trusted.get("/secret", { headers: { "Remote-User": "  " } })).status).toBe(404);
      expect((await trusted.get("/secret")).status).toBe(404);
    } finally {
      await trusted.close();
    }
    const other = await startWeb((repos) => void buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" }), {
      trustedProxies: ["10.0.0.1"],
    });
    try {
      expect((await other.get("/secret", { headers: { "Remote-User": "bob" } })).status).toBe(404);
    } finally {
      await other.close();
    }
  }, 60_000);
});

describe("caching", () => {
  it("pages addressed by a full sha are immutable with a strong ETag, and answer 304", async () => {
    const p = `/demo/tree/${fx.sha.head}`;
    const first = await web.get(p);
    expect(first.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await web.get(p, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect((await web.get("/demo/tree/main")).headers["cache-control"]).toBe("no-cache");
  });

  it("a push invalidates ref pages, and the 404 for a sha it left behind says where the ref went", async () => {
    const before = await web.get("/demo/tree/main");
    expect(before.text).toContain("caf");
    // Move main back to the change-id commit (as a force push would), then tell the server.
    execFileSync("git", ["update-ref", "refs/heads/main", fx.sha.changeId], { env: gitEnv({ GIT_DIR: fx.dir }) });
    const gone = "1234567890abcdef1234567890abcdef12345678";
    await web.push({ repo: "demo", pusher: "carol", refs: [{ ref: "refs/heads/main", old_sha: gone, new_sha: fx.sha.changeId }] });
    const after = await web.get("/demo/tree/main");
    expect(after.text).not.toContain("caf");
    const missing = await web.get(`/demo/tree/${gone}`);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("refs/heads/main pointed at it until");
    expect(missing.text).toContain(`moved to ${fx.sha.changeId.slice(0, 12)}`);
    expect(missing.text).toContain("pushed by carol");
    expect(missing.text).toContain('href="/demo/tree/main"');
  });
});
