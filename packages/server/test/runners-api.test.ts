// The runner API and the remote-run endpoints over real HTTP on 127.0.0.1,
// on a real SQLite file and a real bare repository: runner tokens refused
// (missing, malformed, unknown, wrong, removed), hello/claim/heartbeat/finished,
// labels and :max-concurrent-runs, an agent replaced by a newer one, runs
// lost and re-queued once, the workspace tarball and the file endpoint's
// rejections (paths, offsets, caps), with a property over hostile paths.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getRun } from "../src/db/queries.js";
import { createApp } from "../src/http/app.js";
import { claimRun, loseRun } from "../src/runners/claims.js";
import { enforceRunnerTimeout, reconcileHeld, CLAIM_GRACE_MS } from "../src/runners/lost.js";
import { createRunner, getRunner, removeRunner, runnerOfToken, RunnerNameError } from "../src/runners/registry.js";
import { RemoteWork } from "../src/runners/waiting.js";
import { DEFAULT_RUN_LIMITS } from "../src/runs/launchers/limits.js";
import { createRun } from "../src/runs/create.js";
import { runDirs } from "../src/runs/spawn.js";
import { transitionRun } from "../src/runs/transition.js";
import { git } from "./git/git-helpers.js";
import { pushOutputs, runInput, tempDb, serveOnLoopback } from "./helpers.js";

let db: ReturnType<typeof tempDb>;
let server: Awaited<ReturnType<typeof serveOnLoopback>>;
let base: string;
let reposDir: string;
let runsDir: string;
const work = new RemoteWork();

beforeEach(async () => {
  db = tempDb();
  reposDir = path.join(db.dir, "repos");
  runsDir = path.join(db.dir, "runs");
  mkdirSync(reposDir, { recursive: true });
  const app = createApp({
    db,
    config: { secrets: {}, maxParallelJobs: 1 },
    log: () => {},
    runners: { reposDir, runsDir, maxFileBytes: 4096, limits: DEFAULT_RUN_LIMITS, timeoutMs: 3000, work, log: () => {} },
  });
  server = await serveOnLoopback(app.fetch);
  base = server.base;
});
afterEach(async () => {
  await server.close();
  db.cleanup();
});

const call = (p: string, token: string | undefined, init: RequestInit = {}) =>
  fetch(base + p, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as object) } });
const post = (p: string, token: string | undefined, body: unknown) =>
  call(p, token, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const AGENT = "agent-one-0001";

/** A pending run routed to runners, asking for `labels`. */
function remoteRun(labels: string[] = [], input = runInput()): string {
  const { run } = createRun(db, input);
  db.sqlite.prepare("UPDATE runs SET launcher = 'remote', runs_on_json = ? WHERE id = ?").run(JSON.stringify(labels), run.id);
  return run.id;
}

async function hello(token: string, labels: string[] = ["linux", "amd64"], agent = AGENT) {
  const r = await post("/api/runner/hello", token, { agent_id: agent, labels });
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.json()) as { runner: string; lost: { id: string; outcome: string; requeued_as?: string }[] };
}

async function claim(token: string, agent = AGENT) {
  const r = await post("/api/runner/claim", token, { agent_id: agent, wait_ms: 0 });
  return { status: r.status, body: r.status === 200 ? ((await r.json()) as { run: { id: string }; token: string; log_offset: number }) : undefined };
}

describe("runner registry", () => {
  it("keeps only a hash, refuses bad and taken names, and finds a runner by its token alone", () => {
    const token = createRunner(db, "arm-box");
    expect(getRunner(db, "arm-box")!.tokenHash).not.toContain(token.split(".")[1]);
    expect(runnerOfToken(db, token)?.name).toBe("arm-box");
    expect(runnerOfToken(db, token + "x")).toBeUndefined();
    expect(runnerOfToken(db, "arm-box")).toBeUndefined();
    expect(runnerOfToken(db, `other.${token.split(".")[1]}`)).toBeUndefined();
    for (const bad of ["", "Arm", "-lead", ".dot", "a/b", "a b", "x".repeat(65), "é"]) {
      expect(() => createRunner(db, bad), bad).toThrow(RunnerNameError);
    }
    expect(() => createRunner(db, "arm-box")).toThrow(/exists; remove it first/);
    removeRunner(db, "arm-box");
    expect(runnerOfToken(db, token)).toBeUndefined();
    expect(() => removeRunner(db, "arm-box")).toThrow(/no runner named/);
  });
});

describe("runner API", () => {
  it("refuses a missing, malformed, unknown, wrong or removed runner token with 401", async () => {
    const token = createRunner(db, "box");
    for (const t of [undefined, "", "box", `nobody.${"a".repeat(43)}`, `box.${"a".repeat(43)}`]) {
      const r = await post("/api/runner/hello", t, { agent_id: AGENT, labels: [] });
      expect(r.status, String(t)).toBe(401);
    }
    const bad = await call("/api/runner/hello", undefined, { method: "POST", headers: { authorization: "Basic eA==" } });
    expect(bad.status).toBe(401);
    await hello(token);
    removeRunner(db, "box");
    expect((await post("/api/runner/heartbeat", token, { agent_id: AGENT, running: [] })).status).toBe(401);
  });

  it("names the field of a bad body", async () => {
    const token = createRunner(db, "box");
    const r = await post("/api/runner/hello", token, { agent_id: "short", labels: ["Not A Label"] });
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text).toMatch(/agent_id/);
    expect(text).toMatch(/labels\.0/);
    expect((await post("/api/runner/hello", token, "{not json")).status).toBe(400);
  });

  it("claims the oldest run its labels cover, one at a time within :max-concurrent-runs, each only once", async () => {
    const token = createRunner(db, "box", { maxConcurrentRuns: 2 });
    const ref = (n: string) => runInput("demo", `refs/heads/${n}`);
    const arm = remoteRun(["arm64"], ref("arm"));
    const first = remoteRun([], ref("first"));
    const second = remoteRun(["linux"], ref("second"));
    const third = remoteRun([], ref("third"));
    createRun(db, ref("unrouted")); // not routed: never claimed
    await hello(token, ["linux", "amd64"]);
    const a = await claim(token);
    const b = await claim(token);
    expect([a.body?.run.id, b.body?.run.id]).toEqual([first, second]);
    expect((await claim(token)).status).toBe(204); // holds two already
    expect(getRun(db, arm)!.runner).toBeNull();
    expect(getRun(db, first)).toMatchObject({ runner: "box", state: "pending" });
    expect(getRun(db, first)!.claimedAtMs).not.toBeNull();
    // The run token works on the run API, for that run only.
    const boot = await call("/api/run/bootstrap", a.body!.token);
    expect(boot.status).toBe(200);
    expect(getRun(db, first)!.state).toBe("active");
    // Another runner never gets a held run.
    const other = createRunner(db, "other");
    await hello(other, ["linux"], "agent-two-0002");
    expect((await claim(other, "agent-two-0002")).body?.run.id).toBe(third);
  });

  it("a newer agent replaces the older: the older is refused, what it held is given up", async () => {
    const token = createRunner(db, "box", { maxConcurrentRuns: 2 });
    const pending = remoteRun();
    const active = remoteRun(["linux"], runInput("demo", "refs/heads/other"));
    await hello(token);
    const p = await claim(token);
    const a = await claim(token);
    expect([p.body?.run.id, a.body?.run.id]).toEqual([pending, active]);
    await call("/api/run/bootstrap", a.body!.token);
    const again = await hello(token, ["linux"], "agent-new-0003");
    expect(again.lost.map((l) => [l.id, l.outcome])).toEqual([
      [pending, "released"],
      [active, "runner-lost"],
    ]);
    expect(getRun(db, pending)).toMatchObject({ state: "pending", runner: null, tokenHash: null });
    expect(getRun(db, active)).toMatchObject({ state: "failed", failureKind: "runner-lost" });
    const retry = getRun(db, again.lost[1]!.requeued_as!)!;
    expect(retry).toMatchObject({ state: "pending", requeuedFrom: active, launcher: "remote", runsOnJson: '["linux"]', sha: getRun(db, active)!.sha });
    const old = await post("/api/runner/claim", token, { agent_id: AGENT, wait_ms: 0 });
    expect(old.status).toBe(409);
    expect(await old.text()).toMatch(/agent_replaced/);
  });

  it("heartbeat: the runs to stop are those no longer the runner's; finished resolves a held run only", async () => {
    const token = createRunner(db, "box");
    const id = remoteRun();
    await hello(token);
    const c = await claim(token);
    await call("/api/run/bootstrap", c.body!.token);
    let beat = await post("/api/runner/heartbeat", token, { agent_id: AGENT, running: [id, "not-a-run"] });
    expect(await beat.json()).toEqual({ stop: ["not-a-run"] });
    transitionRun(db, id, "active", "superseded", { error: "superseded in a test" });
    beat = await post("/api/runner/heartbeat", token, { agent_id: AGENT, running: [id] });
    expect(await beat.json()).toEqual({ stop: [id] });
    const other = createRunner(db, "other");
    await hello(other, [], "agent-two-0002");
    const stolen = await post("/api/runner/finished", other, { agent_id: "agent-two-0002", run_id: id, exit: { code: 0, signal: null } });
    expect(stolen.status).toBe(409);
    expect(await stolen.text()).toMatch(/run_not_held/);
    const done = await post("/api/runner/finished", token, { agent_id: AGENT, run_id: id, exit: { code: 0, signal: null } });
    expect(await done.json()).toEqual({ state: "superseded", failure_kind: null });
  });

  it("finished: events streamed to the run directory decide the outcome; a sandbox that could not start is prepare-failed", async () => {
    const token = createRunner(db, "box", { maxConcurrentRuns: 2 });
    const ok = remoteRun();
    const broken = remoteRun([], runInput("demo", "refs/heads/b"));
    await hello(token);
    const c = await claim(token);
    await claim(token);
    await call("/api/run/bootstrap", c.body!.token);
    const events = [
      { seq: 1, at_ms: Date.now(), type: "job_started", job_id: "t" },
      { seq: 2, at_ms: Date.now(), type: "job_finished", job_id: "t", outcome: "complete" },
      { seq: 3, at_ms: Date.now(), type: "run_finished", outcome: "success" },
    ];
    const put = await call(`/api/run/files/events.jsonl?offset=0`, c.body!.token, { method: "PUT", body: events.map((e) => JSON.stringify(e) + "\n").join("") });
    expect(put.status, await put.clone().text()).toBe(200);
    const r = await post("/api/runner/finished", token, { agent_id: AGENT, run_id: ok, exit: { code: 0, signal: null } });
    expect(await r.json()).toEqual({ state: "complete", failure_kind: null });
    const f = await post("/api/runner/finished", token, {
      agent_id: AGENT,
      run_id: broken,
      exit: { code: 1, signal: null },
      setup_failure: "the runner's sandbox could not start: bwrap: setting up uid map: Permission denied",
    });
    expect(await f.json()).toEqual({ state: "failed", failure_kind: "prepare-failed" });
    expect(getRun(db, broken)!.error).toMatch(/bwrap: setting up uid map/);
  });
});

describe("lost runners", () => {
  it("a silent runner loses its runs, re-queued once: a retry that is lost again is not queued a third time", () => {
    createRunner(db, "box", { maxConcurrentRuns: 3 });
    const id = remoteRun();
    const runner = getRunner(db, "box")!;
    db.sqlite.prepare("UPDATE runners SET labels_json = '[]', last_seen_at_ms = ? WHERE name = 'box'").run(Date.now());
    const c = claimRun(db, runner, []);
    expect(c?.run.id).toBe(id);
    transitionRun(db, id, "pending", "active");
    expect(enforceRunnerTimeout(db, { timeoutMs: 3000 })).toEqual([]);
    const lost = enforceRunnerTimeout(db, { timeoutMs: 3000, nowMs: Date.now() + 10_000 });
    expect(lost).toEqual([{ id, outcome: "runner-lost", requeuedAs: expect.any(String) }]);
    expect(getRun(db, id)!.error).toMatch(/runner box was not heard from for \d+ s \(:runner-timeout 3 s\)/);
    // The retry is lost too: it is not queued a third time.
    const retry = lost[0]!.requeuedAs!;
    claimRun(db, getRunner(db, "box")!, []);
    transitionRun(db, retry, "pending", "active");
    expect(loseRun(db, retry, "box", "went away")).toEqual({ id: retry, outcome: "runner-lost" });
  });

  it("a claim the agent never reports is lost once it is older than the grace; a fresh one is not", () => {
    createRunner(db, "box", { maxConcurrentRuns: 2 });
    const id = remoteRun();
    claimRun(db, getRunner(db, "box")!, []);
    const now = getRun(db, id)!.claimedAtMs!;
    expect(reconcileHeld(db, "box", [], now + 1000)).toEqual({ stop: [], lost: [] });
    expect(reconcileHeld(db, "box", [], now + CLAIM_GRACE_MS + 1)).toEqual({ stop: [], lost: [{ id, outcome: "released" }] });
    expect(getRun(db, id)!.runner).toBeNull();
  });
});

describe("remote run endpoints", () => {
  function bareRepoWithCommit(): string {
    const bare = path.join(reposDir, "demo.git");
    git(db.dir, ["init", "-q", "--bare", bare]);
    const wt = path.join(db.dir, "wt");
    git(db.dir, ["clone", "-q", bare, wt]);
    mkdirSync(path.join(wt, ".quire"), { recursive: true });
    writeFileSync(path.join(wt, ".quire", "ci.fnl"), "(local ci (require :quire.ci))\n");
    writeFileSync(path.join(wt, "README.md"), "hello\n");
    git(wt, ["add", "-A"]);
    git(wt, ["commit", "-q", "-m", "one"]);
    git(wt, ["push", "-q", "origin", "HEAD:main"]);
    return git(wt, ["rev-parse", "HEAD"]).trim();
  }

  async function heldRun(): Promise<{ id: string; token: string }> {
    const sha = bareRepoWithCommit();
    const id = remoteRun([], { repo: "demo", ref: "refs/heads/main", sha, push: pushOutputs("demo", "refs/heads/main", sha) });
    const token = createRunner(db, "box");
    await hello(token, []);
    const c = await claim(token);
    expect(c.body?.run.id).toBe(id);
    return { id, token: c.body!.token };
  }

  it("serves the workspace tarball to the runner holding a remote run, and to nobody else", async () => {
    const { token } = await heldRun();
    const r = await call("/api/run/workspace", token);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/gzip");
    const out = path.join(db.dir, "out");
    mkdirSync(out);
    execFileSync("tar", ["-xzf", "-", "-C", out], { input: Buffer.from(await r.arrayBuffer()) });
    expect(readFileSync(path.join(out, "README.md"), "utf8")).toBe("hello\n");
    expect((await call("/api/run/workspace", undefined)).status).toBe(401);
    // A run that is not remote is refused even with its own token.
    const { run } = createRun(db, runInput("demo", "refs/heads/local"));
    db.sqlite.prepare("UPDATE runs SET launcher = 'bwrap', token_hash = ? WHERE id = ?").run((await import("../src/runs/tokens.js")).hashRunToken(`${run.id}.x`), run.id);
    expect((await call("/api/run/workspace", `${run.id}.x`)).status).toBe(403);
  });

  it("appends files at their offset: a resend is skipped, a gap refused with the size, a file past the cap refused", async () => {
    const { id, token } = await heldRun();
    const file = path.join(runDirs(runsDir, "demo", id).runDir, "jobs", "build", "sh-1.log");
    const put = (rel: string, offset: number | string, body: string) => call(`/api/run/files/${rel}?offset=${offset}`, token, { method: "PUT", body });
    expect((await put("jobs/build/sh-1.log", 0, "hello ")).status).toBe(200);
    expect(await (await put("jobs/build/sh-1.log", 0, "hello world")).json()).toEqual({ size: 11 });
    expect(readFileSync(file, "utf8")).toBe("hello world");
    const gap = await put("jobs/build/sh-1.log", 20, "x");
    expect(gap.status).toBe(409);
    expect(await gap.json()).toMatchObject({ error: { code: "offset_mismatch", size: 11 } });
    expect((await put("jobs/build/sh-1.log", 11, "x".repeat(5000))).status).toBe(413);
    expect((await put("jobs/build/sh-1.log", "-1", "x")).status).toBe(400);
    expect((await put("jobs/build/sh-1.log", "1e3", "x")).status).toBe(400);
    for (const bad of ["../x.log", "jobs/a/../../x.log", "config.fnl", "quire.db", "jobs/a/b/c.log", "jobs/a/x.txt", "%2e%2e/x.log", "jobs/%2e%2e/x.log", "jobs/a/.hidden.log", "jobs/a/x.log%00", "%"]) {
      const r = await put(bad, 0, "x");
      expect(r.status, bad).toBeGreaterThanOrEqual(400);
      expect(r.status, bad).toBeLessThan(500);
    }
    expect(existsSync(path.join(db.dir, "x.log"))).toBe(false);
  });

  it("never writes outside the run directory, whatever the path (property)", async () => {
    const { id, token } = await heldRun();
    const runDir = runDirs(runsDir, "demo", id).runDir;
    const segment = fc.oneof(fc.constantFrom("..", ".", "jobs", "a", "%2e%2e", "%2f", "events.jsonl", "x.log", "", "..%2f"), fc.string({ maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (parts) => {
        const rel = parts.join("/");
        const r = await call(`/api/run/files/${rel}?offset=0`, token, { method: "PUT", body: "" }).catch(() => undefined);
        if (r === undefined) return;
        expect(r.status).toBeLessThan(500);
        if (r.status === 200) {
          const decoded = decodeURIComponent(new URL(`${base}/api/run/files/${rel}`).pathname.replace(/^\/api\/run\/files\//, ""));
          const where = path.resolve(runDir, decoded);
          expect(where.startsWith(runDir + path.sep)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
    expect(existsSync(path.join(runsDir, "x.log"))).toBe(false);
    expect(existsSync(path.join(db.dir, "x.log"))).toBe(false);
  });
});
