// Read-only smart HTTP against a real quire: the machine's git clones and
// fetches over loopback (protocol v2 and v0, gzipped requests), pushes are
// refused with a message git shows, the dumb protocol is not served, private
// repositories are a 404 unless a trusted proxy vouches for the reader, and
// every malformed request is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { startWeb, type WebHarness } from "./harness.js";
import { whileHeavyWorkIsFull } from "./heavy-limit.js";
import { gitEnv } from "../git/git-helpers.js";
import { MAX_UPLOAD_REQUEST_BYTES } from "../../src/web/smart-http.js";

let web: WebHarness;
let fx: FixtureRepo;
let tmp: string;

/** The client's git: no user config, no proxies, never a prompt. */
const clientEnv = (extra: NodeJS.ProcessEnv = {}) => gitEnv({ http_proxy: "", https_proxy: "", HTTP_PROXY: "", ALL_PROXY: "", NO_PROXY: "*", ...extra });

/** Run the client's git without blocking: the server answering it runs in this process. */
function git(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: options.cwd ?? tmp, env: options.env ?? clientEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every ref of a repository as `sha name` lines, sorted. */
function refsOf(gitDir: string, pattern = ""): string {
  return execFileSync("git", ["for-each-ref", "--format=%(objectname) %(refname)", ...(pattern ? [pattern] : [])], { env: gitEnv({ GIT_DIR: gitDir }), encoding: "utf8" });
}

/** A repository with 60 branches: its clone's request is over git's 1 KiB gzip threshold. */
function buildManyRefs(parent: string): void {
  const dir = path.join(parent, "many.git");
  const work = path.join(parent, "many-work");
  execFileSync("git", ["init", "-q", "-b", "main", work], { env: gitEnv() });
  for (let i = 0; i < 60; i++) {
    writeFileSync(path.join(work, "f.txt"), `version ${i}\n`);
    execFileSync("git", ["add", "-A"], { cwd: work, env: gitEnv() });
    execFileSync("git", ["commit", "-q", "-m", `v${i}`], { cwd: work, env: gitEnv() });
    execFileSync("git", ["branch", `topic-${i}`], { cwd: work, env: gitEnv() });
  }
  execFileSync("git", ["clone", "-q", "--bare", work, dir], { env: gitEnv() });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "quire-smart-http-"));
  web = await startWeb((repos) => {
    fx = buildFixtureRepo(repos, "demo");
    buildFixtureRepo(path.join(repos, "team"), "app");
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
    buildManyRefs(repos);
  });
}, 90_000);

afterAll(async () => {
  await web?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("clone and fetch", () => {
  it("clones every branch and tag with protocol v2, and again with v0", async () => {
    for (const version of ["2", "0"]) {
      const dest = path.join(tmp, `demo-v${version}`);
      const r = await git(["-c", `protocol.version=${version}`, "clone", "--mirror", `${web.base}/demo.git`, dest]);
      expect(r.status, r.stderr).toBe(0);
      expect(refsOf(dest)).toBe(refsOf(fx.dir));
      expect((await git(["fsck", "--no-progress"], { env: clientEnv({ GIT_DIR: dest }) })).status).toBe(0);
    }
  });

  it("clones a grouped repository into a work tree", async () => {
    const dest = path.join(tmp, "app");
    expect((await git(["clone", `${web.base}/team/app.git`, dest])).status).toBe(0);
    expect(execFileSync("git", ["rev-parse", "HEAD"], { cwd: dest, encoding: "utf8" }).trim()).toBe(refsOf(path.join(web.reposDir, "team", "app.git"), "refs/heads/main").split(" ")[0]);
  });

  it("fetches what a push brought, and sends a large request gzipped", async () => {
    const dest = path.join(tmp, "many");
    const clone = await git(["clone", "--bare", `${web.base}/many.git`, dest], { env: clientEnv({ GIT_TRACE_CURL: "1", GIT_TRACE_CURL_NO_DATA: "1" }) });
    expect(clone.status, clone.stderr).toBe(0);
    // 60 wanted branches make a request over 1 KiB, which git gzips.
    expect(clone.stderr).toMatch(/Send header: Content-Encoding: gzip/);
    expect(refsOf(dest, "refs/heads")).toBe(refsOf(path.join(web.reposDir, "many.git"), "refs/heads"));
    // A new commit on main in the hosted repository, then a fetch.
    const work = path.join(tmp, "many-push");
    execFileSync("git", ["clone", "-q", path.join(web.reposDir, "many.git"), work], { env: gitEnv() });
    writeFileSync(path.join(work, "new.txt"), "new\n");
    execFileSync("git", ["add", "-A"], { cwd: work, env: gitEnv() });
    execFileSync("git", ["commit", "-q", "-m", "new"], { cwd: work, env: gitEnv() });
    execFileSync("git", ["push", "-q", "origin", "main"], { cwd: work, env: gitEnv() });
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: work, encoding: "utf8" }).trim();
    const fetch = await git(["fetch", "origin", "+refs/heads/*:refs/heads/*"], { env: clientEnv({ GIT_DIR: dest }) });
    expect(fetch.status, fetch.stderr).toBe(0);
    expect(refsOf(dest, "refs/heads/main").split(" ")[0]).toBe(head);
  });

  it("answers a gzipped request exactly as the plain one", async () => {
    const body = "0014command=ls-refs\n" + "0001" + "0009peel\n" + "000csymrefs\n" + "0000";
    const headers = { "Content-Type": "application/x-git-upload-pack-request", "Git-Protocol": "version=2", Accept: "application/x-git-upload-pack-result" };
    const plain = await web.get("/demo.git/git-upload-pack", { method: "POST", headers, body });
    expect(plain.status).toBe(200);
    expect(plain.headers["content-type"]).toBe("application/x-git-upload-pack-result");
    expect(plain.text).toContain(`${fx.sha.head} refs/heads/main`);
    expect(plain.text).toContain("symref-target:refs/heads/main");
    const zipped = await web.get("/demo.git/git-upload-pack", { method: "POST", headers: { ...headers, "Content-Encoding": "gzip" }, body: gzipSync(body) });
    expect(zipped.status).toBe(200);
    expect(zipped.body).toEqual(plain.body);
  });

  it("advertises with the service line for v0 and without it for v2, never cached", async () => {
    const v0 = await web.get("/demo.git/info/refs?service=git-upload-pack");
    expect(v0.status).toBe(200);
    expect(v0.headers["content-type"]).toBe("application/x-git-upload-pack-advertisement");
    expect(v0.headers["cache-control"]).toBe("no-cache, max-age=0, must-revalidate");
    expect(v0.text.startsWith("001e# service=git-upload-pack\n0000")).toBe(true);
    expect(v0.text).toContain(`${fx.sha.head} HEAD`);
    const v2 = await web.get("/demo.git/info/refs?service=git-upload-pack", { headers: { "Git-Protocol": "version=2" } });
    expect(v2.text.startsWith("000eversion 2\n")).toBe(true);
    expect(v2.text).toContain("ls-refs");
  });
});

describe("what is refused", () => {
  it("refuses pushes with a message git shows, and changes nothing", async () => {
    const work = path.join(tmp, "push-work");
    expect((await git(["clone", `${web.base}/demo.git`, work])).status).toBe(0);
    writeFileSync(path.join(work, "pushed.txt"), "no\n");
    execFileSync("git", ["add", "-A"], { cwd: work, env: gitEnv() });
    execFileSync("git", ["commit", "-q", "-m", "try"], { cwd: work, env: gitEnv() });
    const before = refsOf(fx.dir);
    const push = await git(["push", "origin", "HEAD:main"], { cwd: work });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toContain("remote: Pushing over HTTP is not supported: this server is read-only over HTTP. Push over SSH instead: git push git@127.0.0.1:demo.git");
    expect(push.stderr).toContain("403");
    expect(refsOf(fx.dir)).toBe(before);
    const post = await web.get("/demo.git/git-receive-pack", { method: "POST", headers: { "Content-Type": "application/x-git-receive-pack-request" }, body: "0000" });
    expect(post.status).toBe(403);
  });

  const refusals: [string, string, Record<string, string>, string | Buffer | undefined, number, RegExp][] = [
    ["GET", "/demo.git/info/refs", {}, undefined, 403, /only the smart HTTP protocol/],
    ["GET", "/demo.git/info/refs?service=git-frobnicate", {}, undefined, 403, /Unknown service/],
    ["GET", "/demo.git/HEAD", {}, undefined, 404, /smart HTTP only/],
    ["GET", "/demo.git/objects/info/packs", {}, undefined, 404, /smart HTTP only/],
    ["GET", "/demo.git/git-upload-pack", {}, undefined, 405, /git POSTs to it/],
    ["POST", "/demo.git/info/refs?service=git-upload-pack", {}, "0000", 405, /not allowed on info\/refs/],
    ["POST", "/demo.git/git-upload-pack", { "Content-Type": "text/plain" }, "0000", 415, /application\/x-git-upload-pack-request/],
    ["POST", "/demo.git/git-upload-pack", { "Content-Type": "application/x-git-upload-pack-request", "Content-Encoding": "br" }, "0000", 415, /not supported/],
    ["POST", "/demo.git/git-upload-pack", { "Content-Type": "application/x-git-upload-pack-request", "Content-Encoding": "gzip" }, "not gzip", 400, /does not gunzip/],
    ["POST", "/demo/tree/main", {}, "x", 405, /read-only/],
  ];
  it.each(refusals)("%s %s answers with a status and a reason", async (method, p, headers, body, status, message) => {
    const r = await web.get(p, { method, headers, body });
    expect(r.status).toBe(status);
    expect(r.text).toMatch(message);
  });

  it("refuses a request too large, compressed or not", async () => {
    const headers = { "Content-Type": "application/x-git-upload-pack-request" };
    const big = Buffer.alloc(MAX_UPLOAD_REQUEST_BYTES + 1, 0x30);
    expect((await web.get("/demo.git/git-upload-pack", { method: "POST", headers, body: big })).status).toBe(413);
    const bomb = gzipSync(big);
    expect(bomb.length).toBeLessThan(MAX_UPLOAD_REQUEST_BYTES / 100);
    const r = await web.get("/demo.git/git-upload-pack", { method: "POST", headers: { ...headers, "Content-Encoding": "gzip" }, body: bomb });
    expect(r.status).toBe(413);
    expect(r.text).toContain("larger than 16 MiB");
  });

  it("answers 503 to a pack request when the expensive-work limit is full", async () => {
    await whileHeavyWorkIsFull(async () => {
      const r = await web.get("/demo.git/git-upload-pack", { method: "POST", headers: { "Content-Type": "application/x-git-upload-pack-request", "Git-Protocol": "version=2" }, body: "0014command=ls-refs\n0000" });
      expect(r.status).toBe(503);
    });
  });

  it("still shows the repository's home at /REPO.git", async () => {
    const r = await web.get("/demo.git");
    expect(r.status).toBe(200);
    expect(r.text).toContain("<title>demo · quire</title>");
  });
});

describe("private repositories", () => {
  it("are a 404 to anonymous clients, exactly like a missing repository", async () => {
    const hidden = await git(["clone", `${web.base}/secret.git`, path.join(tmp, "secret")]);
    const missing = await git(["clone", `${web.base}/nosuch.git`, path.join(tmp, "nosuch")]);
    expect(hidden.status).not.toBe(0);
    expect(hidden.stderr).toMatch(/repository '.*\/secret.git\/' not found/);
    expect(hidden.stderr.replace(/secret/g, "X")).toBe(missing.stderr.replace(/nosuch/g, "X"));
    const a = await web.get("/secret.git/info/refs?service=git-upload-pack");
    const b = await web.get("/nosuch.git/info/refs?service=git-upload-pack");
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(a.text.replace(/secret/g, "X")).toBe(b.text.replace(/nosuch/g, "X"));
    // Remote-User from an address that is not a trusted proxy counts for nothing.
    expect((await git(["-c", "http.extraHeader=Remote-User: alice", "clone", `${web.base}/secret.git`, path.join(tmp, "secret2")])).status).not.toBe(0);
  });

  it("clone for a reader a trusted proxy vouches for, and only for them", async () => {
    const trusted = await startWeb((repos) => void buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" }), { trustedProxies: ["127.0.0.0/8", "::1"] });
    try {
      const dest = path.join(tmp, "secret-ok");
      const ok = await git(["-c", "http.extraHeader=Remote-User: alice", "clone", "--mirror", `${trusted.base}/secret.git`, dest]);
      expect(ok.status, ok.stderr).toBe(0);
      expect(refsOf(dest)).toBe(refsOf(path.join(trusted.reposDir, "secret.git")));
      const anonymous = await git(["clone", `${trusted.base}/secret.git`, path.join(tmp, "secret-anon")]);
      expect(anonymous.status).not.toBe(0);
      expect(anonymous.stderr).toMatch(/not found/);
    } finally {
      await trusted.close();
    }
  }, 60_000);
});
