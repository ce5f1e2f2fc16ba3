// The run API over real HTTP on 127.0.0.1: bearer tokens (missing, wrong,
// terminal run), bootstrap once, events live (replayed and out-of-order
// refused with 409), secrets, and 400s that name the field.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseBootstrapPayload } from "@quire/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getRun, listJobs, listShEvents } from "../src/db/queries.js";
import { createApp } from "../src/http/app.js";
import { createRun } from "../src/runs/create.js";
import { hashRunToken, newRunToken } from "../src/runs/tokens.js";
import { transitionRun } from "../src/runs/transition.js";
import { runInput, tempDb, serveOnLoopback } from "./helpers.js";

let db: ReturnType<typeof tempDb>;
let server: Awaited<ReturnType<typeof serveOnLoopback>>;
let base: string;
const logged: string[] = [];

beforeEach(async () => {
  db = tempDb();
  const secretFile = path.join(db.dir, "deploy-key");
  writeFileSync(secretFile, "s3cret-from-file\n\n");
  const app = createApp({
    db,
    config: { secrets: { token: "abc", deploy: { file: secretFile }, gone: { file: path.join(db.dir, "missing") } }, maxParallelJobs: 3, pipelineMemoryBytes: 256 * 1024 * 1024, logFreeSpaceBytes: 0 },
    log: (line) => logged.push(line),
  });
  logged.length = 0;
  server = await serveOnLoopback(app.fetch);
  base = server.base;
});
afterEach(async () => {
  await server.close();
  db.cleanup();
});

/** A pending run with a token, as the queue leaves it right after spawn. */
function spawnedRun(): { id: string; token: string } {
  const { run } = createRun(db, runInput());
  const token = newRunToken(run.id);
  db.sqlite.prepare("UPDATE runs SET token_hash = ?, pid = NULL WHERE id = ?").run(hashRunToken(token), run.id);
  return { id: run.id, token };
}

const get = (p: string, token?: string) => fetch(base + p, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (token: string, body: unknown) =>
  fetch(base + "/api/run/events", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("run API", () => {
  it("answers /healthz", async () => {
    const r = await get("/healthz");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok" });
  });

  it("refuses a missing, malformed or wrong token with 401", async () => {
    const { id, token } = spawnedRun();
    for (const [headers, pattern] of [
      [{}, /missing run token/],
      [{ authorization: "Basic abc" }, /malformed Authorization/],
      [{ authorization: `Bearer ${id}.wrong` }, /not recognized/],
      [{ authorization: `Bearer ${token}x` }, /not recognized/],
      [{ authorization: "Bearer nodot" }, /not recognized/],
      [{ authorization: `Bearer ffffffffffff.${token.split(".")[1]}` }, /not recognized/],
    ] as const) {
      const r = await fetch(base + "/api/run/bootstrap", { headers });
      expect(r.status).toBe(401);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message).toMatch(pattern);
    }
    expect(getRun(db, id)!.state).toBe("pending");
  });

  it("bootstraps once: pending→active with the payload, then 409", async () => {
    const { id, token } = spawnedRun();
    const r = await get("/api/run/bootstrap", token);
    expect(r.status).toBe(200);
    const payload = parseBootstrapPayload(await r.json());
    const run = getRun(db, id)!;
    expect(run.state).toBe("active");
    expect(payload).toMatchObject({ run_id: id, repo: run.repo, ref: run.ref, sha: run.sha, started_at_ms: run.startedAtMs });
    expect(payload.secret_names).toEqual(["deploy", "gone", "token"]);
    expect(payload.settings.max_parallel_jobs).toBe(3);
    expect(payload.settings.pipeline_memory_bytes).toBe(256 * 1024 * 1024);
    // 0 (no reserve) is sent as such; only the default (null) leaves it to quire-ci.
    expect(payload.settings.log_free_space_bytes).toBe(0);
    expect(payload.push.sha).toBe(run.sha);
    const again = await get("/api/run/bootstrap", token);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("already_bootstrapped");
  });

  it("refuses the token of a terminal run", async () => {
    const { id, token } = spawnedRun();
    await get("/api/run/bootstrap", token);
    transitionRun(db, id, "active", "complete");
    for (const r of [await get("/api/run/bootstrap", token), await get("/api/run/secret/token", token), await post(token, { seq: 1, at_ms: 1, type: "job_started", job_id: "a" })]) {
      expect(r.status).toBe(401);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: "run_terminal" });
      expect(body.error.message).toMatch(/is complete/);
    }
  });

  it("projects events live, one seq at a time; replays and gaps get 409", async () => {
    const { id, token } = spawnedRun();
    const early = await post(token, { seq: 1, at_ms: 1, type: "job_started", job_id: "a" });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe("run_not_active");
    await get("/api/run/bootstrap", token);
    const t = Date.now();
    let r = await post(token, [
      { seq: 1, at_ms: t, type: "job_started", job_id: "a" },
      { seq: 2, at_ms: t + 1, type: "sh_started", job_id: "a", n: 1, cmd: "make" },
    ]);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ applied: 2, last_seq: 2, ignored: [] });
    expect(listJobs(db, id)[0]).toMatchObject({ jobId: "a", state: "active", startedAtMs: t });

    r = await post(token, { seq: 2, at_ms: t + 1, type: "sh_started", job_id: "a", n: 1, cmd: "make" });
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ error: { code: "seq_out_of_order", expected_seq: 3 } });
    r = await post(token, { seq: 5, at_ms: t, type: "job_finished", job_id: "a", outcome: "complete" });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/seq 5 skips ahead; the next expected seq is 3/);

    // A batch stops at the first out-of-order event; the ones before it stay applied.
    r = await post(token, [
      { seq: 3, at_ms: t + 2, type: "sh_finished", job_id: "a", n: 1, exit_code: 0 },
      { seq: 3, at_ms: t + 2, type: "sh_finished", job_id: "a", n: 1, exit_code: 0 },
    ]);
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ error: { expected_seq: 4, applied: 1 } });
    expect(listShEvents(db, id)[0]).toMatchObject({ n: 1, cmd: "make", exitCode: 0, finishedAtMs: t + 2 });

    // A contradictory event consumes its seq and is reported, not applied.
    r = await post(token, { seq: 4, at_ms: t + 3, type: "job_finished", job_id: "ghost", outcome: "complete" });
    expect(await r.json()).toEqual({ applied: 0, last_seq: 4, ignored: [{ seq: 4, reason: 'job "ghost" finished but it is not started' }] });
    expect(getRun(db, id)!.lastEventSeq).toBe(4);
  });

  it("answers 400 naming the field for a malformed body, applying nothing", async () => {
    const { id, token } = spawnedRun();
    await get("/api/run/bootstrap", token);
    const cases: [unknown, RegExp][] = [
      ["{not json", /body is not valid JSON/],
      [[], /empty array/],
      [{ seq: 1, at_ms: 1, type: "job_started" }, /field "job_id"/],
      [[{ seq: 1, at_ms: 1, type: "job_started", job_id: "a" }, { seq: 2, at_ms: 1, type: "bogus" }], /events\[1\]: .*unknown event type "bogus"/],
      [{ seq: 0, at_ms: 1, type: "job_started", job_id: "a" }, /field "seq"/],
    ];
    for (const [body, pattern] of cases) {
      const r = await post(token, body);
      expect(r.status).toBe(400);
      const b = (await r.json()) as { error: { code: string; message: string } };
      expect(b.error.code).toBe("bad_request");
      expect(b.error.message).toMatch(pattern);
    }
    expect(getRun(db, id)!.lastEventSeq).toBe(0);
  });

  it("reveals secrets to the run: string, file (one newline stripped), unknown 404, unreadable 500", async () => {
    const { token } = spawnedRun();
    await get("/api/run/bootstrap", token);
    let r = await get("/api/run/secret/token", token);
    expect(await r.json()).toEqual({ name: "token", value: "abc" });
    expect(r.headers.get("cache-control")).toBe("no-store");
    r = await get("/api/run/secret/deploy", token);
    expect(await r.json()).toEqual({ name: "deploy", value: "s3cret-from-file\n" });
    r = await get("/api/run/secret/nope", token);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/no secret named "nope"; configured: deploy, gone, token/);
    r = await get("/api/run/secret/gone", token);
    expect(r.status).toBe(500);
    expect(await r.json()).toMatchObject({ error: { code: "secret_unreadable" } });
    r = await get("/api/run/secret/token");
    expect(r.status).toBe(401);
  });

  it("reveals each secret once per run, records which job asked, and logs every reveal and refusal", async () => {
    const { id, token } = spawnedRun();
    await get("/api/run/bootstrap", token);
    const ask = (name: string, job?: string) =>
      fetch(`${base}/api/run/secret/${name}`, { headers: { authorization: `Bearer ${token}`, ...(job ? { "x-quire-job": job } : {}) } });
    let r = await ask("token", "deploy");
    expect(await r.json()).toEqual({ name: "token", value: "abc" });
    r = await ask("token", "other");
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ error: { code: "secret_already_revealed", message: expect.stringContaining("each secret is revealed once per run") } });
    // A name never asked for is still answered once; a failed read does not use it up.
    expect((await ask("gone")).status).toBe(500);
    expect((await ask("deploy")).status).toBe(200);
    expect((await ask("deploy")).status).toBe(409);
    expect(db.sqlite.prepare("SELECT name, job_id FROM run_secrets WHERE run_id = ? ORDER BY name").all(id)).toEqual([
      { name: "deploy", job_id: null },
      { name: "token", job_id: "deploy" },
    ]);
    expect(logged).toEqual([
      `run ${id}: revealed secret "token" to job "deploy"`,
      `run ${id}: refused secret "token" to job "other": it was already revealed to this run`,
      `run ${id}: revealed secret "deploy"`,
      `run ${id}: refused secret "deploy": it was already revealed to this run`,
    ]);
    // Another run has its own once.
    const other = spawnedRun();
    await get("/api/run/bootstrap", other.token);
    r = await fetch(`${base}/api/run/secret/token`, { headers: { authorization: `Bearer ${other.token}` } });
    expect(r.status).toBe(200);
  });

  it("refuses a body over the size limit with 413", async () => {
    const { token } = spawnedRun();
    const small = createApp({ db, config: { secrets: {}, maxParallelJobs: 1 }, maxBodyBytes: 200, log: () => {} });
    const r = await small.request("/api/run/events", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ seq: 1, at_ms: 1, type: "sh_started", job_id: "a", n: 1, cmd: "x".repeat(500) }),
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const r = await get("/nope");
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error: { code: "not_found" } });
  });
  it("answers 503 storage_unavailable with Retry-After while the database is full, logs one short line, and takes the same event once it has room", async () => {
    const { id, token } = spawnedRun();
    await get("/api/run/bootstrap", token);
    const t = Date.now();
    expect((await post(token, { seq: 1, at_ms: t, type: "job_started", job_id: "a" })).status).toBe(200);
    // A real SQLITE_FULL: the file may not grow by a page.
    const pages = db.sqlite.pragma("page_count", { simple: true }) as number;
    db.sqlite.pragma(`max_page_count = ${pages}`);
    const big = { seq: 2, at_ms: t + 1, type: "sh_started", job_id: "a", n: 1, cmd: "x".repeat(200_000) };
    for (let i = 0; i < 3; i++) {
      const r = await post(token, big);
      expect(r.status, logged.join("\n")).toBe(503);
      expect(r.headers.get("retry-after")).toBe("2");
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("storage_unavailable");
      expect(body.error.message).toMatch(/cannot write its database now \(SQLITE_FULL\); try again/);
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^HTTP POST \/api\/run\/events: the database cannot be written \(SQLITE_FULL: .*\); answered 503$/);
    expect(listShEvents(db, id)).toHaveLength(0);
    // Room again: the same event is the next seq, and is taken.
    db.sqlite.pragma("max_page_count = 1073741823");
    const r = await post(token, big);
    expect(r.status).toBe(200);
    expect(listShEvents(db, id)).toHaveLength(1);
  });
});
