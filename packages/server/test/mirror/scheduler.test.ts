// The mirror scheduler in-process, on a real database file and real remotes:
// retries with backoff, giving up, a diverged target, ref filters, refs
// queued across a restart, and pushes that arrive while one is running.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import path from "node:path";
import { ZERO_SHA, type RefUpdate } from "@quire/shared";
import { resolveServerConfig } from "../../src/config/types.js";
import { openDatabase, type Db } from "../../src/db/open.js";
import { startMirrorScheduler, type MirrorScheduler } from "../../src/mirror/scheduler.js";
import { getMirrorStatus, mirrorStatus, type MirrorTargetStatus } from "../../src/mirror/status.js";
import { commitFiles, git, tempDir, workTree } from "../git/git-helpers.js";
import { startHttpRemote, type HttpRemote } from "./http-remote.js";

const TOKEN = "tok-9a8b7c6d5e4f3a2b";
let dir: string;
let reposDir: string;
let source: string;
let work: string;
let db: Db;
let logs: string[];
let scheduler: MirrorScheduler | undefined;
const remotes: HttpRemote[] = [];

function bare(rel: string): string {
  const p = path.join(dir, rel);
  git(dir, ["init", "-q", "--bare", "-b", "main", p]);
  return p;
}

const refOf = (gitDir: string, ref: string) => {
  try {
    return git(gitDir, ["rev-parse", "--verify", "-q", ref]).trim();
  } catch {
    return null;
  }
};

/** Commit a config and the given files, push them to the hosted repo; returns the ref updates. */
async function pushHere(config: string, refspecs: string[], files: Record<string, string> = {}): Promise<RefUpdate[]> {
  const full = (s: string) => {
    const dst = s.split(":").pop()!;
    return dst.startsWith("refs/") ? dst : `refs/heads/${dst}`;
  };
  const before = new Map(refspecs.map((s) => [full(s), refOf(source, full(s))]));
  await commitFiles(work, { ".quire/config.fnl": config, CHANGE: `${Math.random()}\n`, ...files }, "change");
  git(work, ["push", "-q", "origin", ...refspecs]);
  return [...before].map(([ref, old]) => ({ ref, old_sha: old ?? ZERO_SHA, new_sha: refOf(source, ref) ?? ZERO_SHA }));
}

function start(retryDelaysSeconds: number[]): MirrorScheduler {
  scheduler = startMirrorScheduler({
    db,
    reposDir,
    config: resolveServerConfig({ secrets: { gh: TOKEN }, retryDelaysSeconds }),
    log: (l) => logs.push(l),
  });
  return scheduler;
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log:\n${logs.join("\n")}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const settled = (url: string) => (s: MirrorTargetStatus | undefined) => s !== undefined && s.last !== null && s.pendingRefs.length === 0 && s.url === url;

beforeAll(async () => {
  dir = await tempDir("quire-mirror-scheduler-");
  reposDir = path.join(dir, "repos");
  source = bare("repos/hello.git");
  work = await workTree(source);
  db = openDatabase(path.join(dir, "quire.db"));
});
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  logs = [];
});
afterAll(async () => {
  for (const r of remotes) await r.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
});
logs = [];

describe("mirror scheduler", () => {
  it("retries a failing target with backoff until it takes the push", async () => {
    const remote = await startHttpRemote({ root: path.join(dir, "http"), credentials: `${TOKEN}:x-oauth-basic`, failRequests: 2 });
    remotes.push(remote);
    const target = bare("http/flaky.git");
    const url = `${remote.url}/flaky.git`;
    start([0.05, 0.05, 0.05]);
    const refs = await pushHere(`{:mirrors {"${url}" :gh}}\n`, ["main"]);
    scheduler!.onPush("hello.git", refs);
    const status = await until("the flaky target to take the push", () => {
      const s = getMirrorStatus(db, "hello.git", url);
      return s?.last?.outcome === "ok" ? s : undefined;
    });
    expect(status).toMatchObject({ failures: 0, pendingRefs: [], nextAttemptAtMs: null });
    expect(refOf(target, "refs/heads/main")).toBe(refOf(source, "refs/heads/main"));
    const u = url.replace(/[./]/g, "\\$&");
    expect(logs[0]).toMatch(new RegExp(`^mirror hello\\.git → ${u}: error: fatal: unable to access '${u}/': The requested URL returned error: 503; retry 1 of 3 in 0\\.1 s$`));
    expect(logs[1]).toMatch(/: error: .*; retry 2 of 3 in 0\.1 s$/);
    expect(logs.some((l) => /retry 2 of 3/.test(l))).toBe(true);
    expect(logs[2]).toMatch(new RegExp(`^mirror hello\\.git → ${u}: ok \\(refs/heads/main pushed\\)$`));
    expect(logs).toHaveLength(3);
    expect(logs.join("\n")).not.toContain(TOKEN);
  });

  it("gives up after the last retry and says how to try by hand", async () => {
    const url = `file://${path.join(dir, "missing.git")}`;
    start([0.05]);
    scheduler!.onPush("hello.git", await pushHere(`{:mirrors {"${url}" true}}\n`, ["main"]));
    const status = await until("the retries to end", () => {
      const s = getMirrorStatus(db, "hello.git", url);
      return s !== undefined && s.failures === 2 && s.nextAttemptAtMs === null ? s : undefined;
    });
    expect(status.last?.outcome).toBe("error");
    expect(status.last?.error).toMatch(/does not appear to be a git repository/);
    expect(status.pendingRefs).toEqual([]);
    expect(logs[logs.length - 1]).toMatch(/gave up after 2 attempts: `quire mirror push hello\.git` tries again by hand$/);
  });

  it("leaves a diverged target to a human: no retry", async () => {
    const target = bare("diverged.git");
    const url = `file://${target}`;
    start([0.05, 0.05]);
    scheduler!.onPush("hello.git", await pushHere(`{:mirrors {"${url}" true}}\n`, ["main"]));
    await until("the first push", () => settled(url)(getMirrorStatus(db, "hello.git", url)));
    const other = await workTree(target);
    git(other, ["pull", "-q", "origin", "main"]);
    await commitFiles(other, { THEIRS: "x\n" }, "on the mirror");
    git(other, ["push", "-q", "origin", "HEAD:main"]);
    scheduler!.onPush("hello.git", await pushHere(`{:mirrors {"${url}" true}}\n`, ["main"], { OURS: "y\n" }));
    const status = await until("the diverged verdict", () => {
      const s = getMirrorStatus(db, "hello.git", url);
      return s?.last?.outcome === "needs-human" ? s : undefined;
    });
    expect(status).toMatchObject({ pendingRefs: [], nextAttemptAtMs: null, failures: 1 });
    expect(status.last?.error).toMatch(/quire never forces/);
  });

  it("mirrors only the refs a target's filter takes, and deletions only where it opts in", async () => {
    const filtered = bare("filtered.git");
    const all = bare("all.git");
    const fUrl = `file://${filtered}`;
    const aUrl = `file://${all}`;
    start([]);
    const config = `{:mirrors {"${fUrl}" {:refs ["refs/heads/main" "refs/tags/*"] :deletions true} "${aUrl}" true}}\n`;
    await commitFiles(work, { ".quire/config.fnl": config }, "config");
    git(work, ["tag", "-f", "v2.0"]);
    const refs = await pushHere(config, ["main", "main:refs/heads/feature", "refs/tags/v2.0"]);
    scheduler!.onPush("hello.git", refs);
    await until("both targets", () => settled(fUrl)(getMirrorStatus(db, "hello.git", fUrl)) && settled(aUrl)(getMirrorStatus(db, "hello.git", aUrl)));
    expect(refOf(filtered, "refs/heads/main")).not.toBeNull();
    expect(refOf(filtered, "refs/tags/v2.0")).not.toBeNull();
    expect(refOf(filtered, "refs/heads/feature")).toBeNull();
    expect(refOf(all, "refs/heads/feature")).not.toBeNull();
    // Delete the tag here: only the target that opts in deletes it.
    const old = refOf(source, "refs/tags/v2.0")!;
    git(work, ["push", "-q", "origin", ":refs/tags/v2.0"]);
    scheduler!.onPush("hello.git", [{ ref: "refs/tags/v2.0", old_sha: old, new_sha: ZERO_SHA }]);
    await until("the deletion", () => getMirrorStatus(db, "hello.git", fUrl)?.last?.refs.length === 1);
    expect(refOf(filtered, "refs/tags/v2.0")).toBeNull();
    expect(refOf(all, "refs/tags/v2.0")).not.toBeNull();
    expect(getMirrorStatus(db, "hello.git", fUrl)?.last?.refs).toEqual([{ ref: "refs/tags/v2.0", status: "deleted", detail: "[deleted]" }]);
  });

  it("keeps queued refs across a stop and pushes them at the next start", async () => {
    const slow = await startHttpRemote({ root: path.join(dir, "http"), credentials: `${TOKEN}:x-oauth-basic`, delayMs: 60_000 });
    remotes.push(slow);
    bare("http/later.git");
    const url = `${slow.url}/later.git`;
    start([0.05]);
    scheduler!.onPush("hello.git", await pushHere(`{:mirrors {"${url}" :gh}}\n`, ["main"]));
    await until("the push to reach the slow target", () => slow.requests.length > 0);
    await scheduler!.stop();
    scheduler = undefined;
    const after = getMirrorStatus(db, "hello.git", url)!;
    expect(after.pendingRefs).toEqual(["refs/heads/main"]);
    expect(after.last).toBeNull();
    // Point the queued target at a fast remote with the same repositories: the restart picks it up.
    const fast = await startHttpRemote({ root: path.join(dir, "http"), credentials: `${TOKEN}:x-oauth-basic` });
    remotes.push(fast);
    db.sqlite.prepare("UPDATE mirror_status SET url = ? WHERE url = ?").run(`${fast.url}/later.git`, url);
    start([0.05]);
    const done = await until("the restarted scheduler", () => {
      const s = getMirrorStatus(db, "hello.git", `${fast.url}/later.git`);
      return s?.last?.outcome === "ok" ? s : undefined;
    });
    expect(done.pendingRefs).toEqual([]);
  });

  it("a push that arrives during an attempt is pushed right after it", async () => {
    const slowish = await startHttpRemote({ root: path.join(dir, "http"), delayMs: 300 });
    remotes.push(slowish);
    const target = bare("http/busy.git");
    const url = `${slowish.url}/busy.git`;
    start([]);
    const config = `{:mirrors {"${url}" true}}\n`;
    scheduler!.onPush("hello.git", await pushHere(config, ["main"]));
    await until("the first attempt to start", () => slowish.requests.length > 0);
    scheduler!.onPush("hello.git", await pushHere(config, ["main"], { SECOND: "2\n" }));
    await until("the second push to land", () => refOf(target, "refs/heads/main") === refOf(source, "refs/heads/main") && settled(url)(getMirrorStatus(db, "hello.git", url)));
    expect(mirrorStatus(db, "hello.git").find((s) => s.url === url)?.last?.outcome).toBe("ok");
  });

  it("logs a repo config it cannot use and mirrors nothing from it", async () => {
    start([]);
    scheduler!.onPush("hello.git", await pushHere(`{:mirrors {"https://u:p@example.org/x.git" :gh}}\n`, ["main"]));
    await until("the log line", () => logs.find((l) => l.includes("not mirrored")));
    expect(logs.join("\n")).toMatch(/mirror hello\.git: not mirrored: hello\.git\/\.quire\/config\.fnl@[0-9a-f]{12} cannot be used:\n.*carries credentials/);
  });
});
