// Archive downloads against a real quire and real bare repositories: read
// back with tar and unzip, named REPO-REF, streamed while git still runs,
// git stopped when the client leaves, the heavy-work limit, and rejections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { gitEnv } from "../git/git-helpers.js";
import { whileHeavyWorkIsFull } from "./heavy-limit.js";
import { archiveName } from "../../src/web/pages/archive.js";
import { spawnHelper } from "../../src/git/spawn-helper.js";

let web: WebHarness;
let fx: FixtureRepo;
let tmp: string;

/** A repository with one 24 MiB file of random bytes: its archive takes a while to stream. */
function buildHeavyRepo(parent: string): void {
  const work = path.join(parent, "heavy-work");
  mkdirSync(work, { recursive: true });
  const env = gitEnv();
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: work, env });
  writeFileSync(path.join(work, "noise.bin"), randomBytes(24 * 1024 * 1024));
  execFileSync("git", ["add", "-A"], { cwd: work, env });
  execFileSync("git", ["commit", "-q", "-m", "noise"], { cwd: work, env });
  execFileSync("git", ["clone", "-q", "--bare", work, path.join(parent, "heavy.git")], { env });
  rmSync(work, { recursive: true, force: true });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "quire-archive-"));
  web = await startWeb((repos) => {
    fx = buildFixtureRepo(repos, "demo");
    buildFixtureRepo(path.join(repos, "team"), "app");
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
    buildHeavyRepo(repos);
  });
}, 90_000);

afterAll(async () => {
  await web?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** `git archive` processes this test process has started (the server runs in it). */
/** The `git archive` processes running: the spawn helper's children. */
function archiveProcesses(): string[] {
  const out = execFileSync("ps", ["-e", "-o", "ppid=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m) => m !== null && Number(m[1]) === spawnHelper.pid && m[2]!.startsWith("git archive"))
    .map((m) => m![2]!);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("archives", () => {
  it("serves a tar.gz of a branch under REPO-REF/, read back by tar", async () => {
    const r = await web.get("/demo/archive/main.tar.gz");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/gzip");
    expect(r.headers["content-disposition"]).toBe('attachment; filename="demo-main.tar.gz"');
    expect(r.headers["cache-control"]).toBe("no-cache");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    const file = path.join(tmp, "demo.tar.gz");
    writeFileSync(file, r.body);
    const names = execFileSync("tar", ["tzf", file], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(names[0]).toBe("demo-main/");
    expect(names.every((n) => n.startsWith("demo-main/"))).toBe(true);
    expect(names).toContain("demo-main/now.c");
    const dir = path.join(tmp, "x");
    mkdirSync(dir);
    execFileSync("tar", ["xzf", file, "-C", dir]);
    expect(readFileSync(path.join(dir, "demo-main", "now.c"), "utf8")).toContain("line thirty");
    expect(readFileSync(path.join(dir, "demo-main", "bin", "blob.dat"))).toEqual(Buffer.from([0, 1, 2, 3, 255, 0, 10, 13]));
  });

  it("serves a zip of a tag, read back by unzip, and a sha's archive is immutable", async () => {
    const r = await web.get("/demo/archive/v0.1.zip");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/zip");
    expect(r.headers["content-disposition"]).toBe('attachment; filename="demo-v0.1.zip"');
    const file = path.join(tmp, "demo.zip");
    writeFileSync(file, r.body);
    const listing = execFileSync("unzip", ["-l", file], { encoding: "utf8" });
    expect(listing).toContain("demo-v0.1/now.c");
    expect(listing).not.toContain("demo-v0.1/.quire");
    expect(execFileSync("unzip", ["-p", file, "demo-v0.1/now.c"], { encoding: "utf8" })).not.toContain("line thirty");
    const bySha = await web.get(`/demo/archive/${fx.sha.head}.tar.gz`);
    expect(bySha.headers["content-disposition"]).toBe(`attachment; filename="demo-${fx.sha.head}.tar.gz"`);
    expect(bySha.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const etag = bySha.headers.etag!;
    expect(etag).toMatch(/^W\/"/);
    const again = await web.get(`/demo/archive/${fx.sha.head}.tar.gz`, { headers: { "If-None-Match": etag } });
    expect([again.status, again.body.length]).toEqual([304, 0]);
    const head = await web.get("/demo/archive/main.zip", { method: "HEAD" });
    expect([head.status, head.body.length, head.headers["content-type"]]).toEqual([200, 0, "application/zip"]);
  });

  it("names a grouped repository's archive by its own name", async () => {
    const r = await web.get("/team/app/archive/main.tar.gz");
    expect(r.headers["content-disposition"]).toBe('attachment; filename="app-main.tar.gz"');
    expect(archiveName("demo", "feature/x")).toBe("demo-feature-x");
    expect(archiveName("team/app", "v1.0+rc,1")).toBe("app-v1.0+rc-1");
  });

  it("streams while git still runs, and a client that leaves stops git", async () => {
    const u = new URL(web.base);
    const firstChunk = await new Promise<{ req: http.ClientRequest; res: http.IncomingMessage }>((resolve, reject) => {
      const req = http.get({ host: u.hostname, port: u.port, path: "/heavy/archive/main.zip" }, (res) => {
        res.once("data", () => {
          res.pause();
          resolve({ req, res });
        });
      });
      req.on("error", reject);
    });
    expect(firstChunk.res.statusCode).toBe(200);
    // The first bytes arrived while git is still writing the 24 MiB: the archive is not buffered whole first.
    expect(archiveProcesses()).toHaveLength(1);
    firstChunk.req.destroy();
    await until(() => archiveProcesses().length === 0, "git archive to stop after the client left");
    // Its slot is free again: a whole archive still downloads.
    expect((await web.get("/demo/archive/main.tar.gz")).status).toBe(200);
  }, 30_000);

  it("answers 503 when the server already runs all the expensive work it allows", async () => {
    await whileHeavyWorkIsFull(async () => {
      const r = await web.get("/demo/archive/main.zip");
      expect(r.status).toBe(503);
      expect(r.headers["retry-after"]).toBe("5");
    });
  });

  const rejections: [string, RegExp][] = [
    ["/demo/archive/main.tar", /named REF.tar.gz or REF.zip/],
    ["/demo/archive/main", /named REF.tar.gz or REF.zip/],
    ["/demo/archive", /named REF.tar.gz or REF.zip/],
    ["/demo/archive/.zip", /named REF.tar.gz or REF.zip/],
    ["/demo/archive/nosuchref.zip", /no branch, tag or commit named &quot;nosuchref&quot;/],
    ["/demo/archive/main/now.c.zip", /no branch, tag or commit named &quot;main\/now.c&quot;/],
    [`/demo/archive/${"0".repeat(40)}.tar.gz`, /no commit 0{40}|no longer has/],
    ["/secret/archive/main.tar.gz", /no such repository/],
  ];
  it.each(rejections)("%s is a 404 that says what exists", async (p, message) => {
    const r = await web.get(p);
    expect(r.status).toBe(404);
    expect(r.text).toMatch(message);
    expect(archiveProcesses()).toHaveLength(0);
  });
});
