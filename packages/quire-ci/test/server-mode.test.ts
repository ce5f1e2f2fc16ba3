// quire-ci in server mode, as `quire serve` spawns it: the built program, a
// real HTTP server on 127.0.0.1, real pipelines. Live events, retries, the
// server going away mid-run, compile errors judged with exit 0.
import type { Writable } from "node:stream";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { ApiServer, type ApiServerOptions } from "./api-server.js";
import { BIN, logLines, readEvents, tempDir, workspaceWith } from "./helpers.js";

const TOKEN = "run-token-0123456789";
const servers: ApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.kill().catch(() => undefined);
});

async function startServer(options: Partial<ApiServerOptions> = {}): Promise<ApiServer> {
  const server = await new ApiServer({ token: TOKEN, ...options }).start();
  servers.push(server);
  return server;
}

interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  runDir: string;
  eventsFile: string;
}

/** quire-ci in server mode as `quire serve` starts it: `token` (when given) on fd 3, as QUIRE__TOKEN_FD says. */
function runQuireCi(workspace: string, env: Record<string, string>, args?: string[], token: string | undefined = TOKEN): Promise<Spawned> {
  const runDir = tempDir("quire-ci-run-");
  const eventsFile = path.join(runDir, "events.jsonl");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...(args ?? ["--events", eventsFile, "--out-dir", runDir])], {
      cwd: workspace,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const tokenPipe = child.stdio[3] as Writable;
    tokenPipe.on("error", () => undefined);
    tokenPipe.end(token === undefined ? "" : token + "\n");
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr, runDir, eventsFile }));
  });
}

function serverEnv(server: ApiServer): Record<string, string> {
  return { QUIRE__SERVER_URL: server.url, QUIRE__TOKEN_FD: "3" };
}

describe("server mode", () => {
  test("runs the pipeline, posts every event, reveals secrets through the server, hides QUIRE__ from sh", async () => {
    const server = await startServer({ secrets: { "api-key": "key-abcdef-123456" } });
    const ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :build [:quire/push]
  (fn [{: sh : secret : jobs}]
    (let [key (secret :api-key)
          env (sh "env")]
      (assert (not (env.stdout:find "QUIRE__")) "QUIRE__ variables reach sh")
      (sh (.. "echo key=" key " sha=" (. (jobs :quire/push) :sha))))))
`);
    const r = await runQuireCi(ws, serverEnv(server));
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBe(0);
    const onDisk = readEvents(r.eventsFile);
    expect(onDisk.at(-1)).toMatchObject({ type: "run_finished", outcome: "success" });
    expect(server.events).toEqual(onDisk);
    expect(server.requests.filter((q) => q.path === "/api/run/bootstrap")).toHaveLength(1);
    expect(server.requests.every((q) => q.auth === `Bearer ${TOKEN}`)).toBe(true);
    const log = logLines(path.join(r.runDir, "jobs", "build", "sh-2.log"));
    expect(log).toContain(`stdout key={{ api-key }} sha=${"a".repeat(40)}`);
    expect(JSON.stringify(onDisk)).not.toContain("key-abcdef-123456");
  });

  test("events arrive at the server while the job is still running", async () => {
    let ws = "";
    const server = await startServer({
      onEvent: (event) => {
        // Only an event that arrived live can release the command that is waiting for it.
        if (event.type === "sh_started" && event.job_id === "wait" && event.n === 1) fs.writeFileSync(path.join(ws, "released"), "");
      },
    });
    ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :wait [:quire/push]
  (fn [{: sh}]
    (sh "for i in $(seq 200); do [ -f released ] && exit 0; sleep 0.05; done; exit 1")))
`);
    const r = await runQuireCi(ws, serverEnv(server));
    expect(r.code).toBe(0);
    expect(readEvents(r.eventsFile).at(-1)).toMatchObject({ outcome: "success" });
    const types = server.events.map((e) => e.type);
    expect(types.indexOf("sh_started")).toBeLessThan(types.indexOf("job_finished"));
  });

  test("5xx answers are retried until every event is recorded once, in order", async () => {
    const server = await startServer({ failEvents: 3 });
    const ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :a [:quire/push] (fn [{: sh}] (sh "echo one") (sh "echo two")))
(ci.job :b [:a] (fn [{: sh}] (sh "exit 1")))
(ci.job :c [:b] (fn [] nil))
`);
    const r = await runQuireCi(ws, serverEnv(server));
    expect(r.code).toBe(0);
    const onDisk = readEvents(r.eventsFile);
    expect(onDisk.at(-1)).toMatchObject({ type: "run_finished", outcome: "pipeline-failure" });
    expect(server.events.map((e) => e.seq)).toEqual(onDisk.map((e) => e.seq));
    expect(server.events).toEqual(onDisk);
  });

  test("the server going away mid-run does not stop the run; events.jsonl has everything", async () => {
    let ws = "";
    const server = await startServer({
      onEvent: (event, s) => {
        if (event.type === "job_started" && event.job_id === "first") {
          void s.kill().then(() => fs.writeFileSync(path.join(ws, "server-gone"), ""));
        }
      },
    });
    ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :first [:quire/push]
  (fn [{: sh}]
    (sh "for i in $(seq 200); do [ -f server-gone ] && exit 0; sleep 0.05; done; exit 1")))
(ci.job :second [:first] (fn [{: sh}] (sh "echo still running")))
`);
    const started = Date.now();
    const r = await runQuireCi(ws, serverEnv(server));
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const onDisk = readEvents(r.eventsFile);
    expect(onDisk.map((e) => e.type)).toEqual([
      "pipeline_validated",
      "job_started", "sh_started", "sh_finished", "job_finished",
      "job_started", "sh_started", "sh_finished", "job_finished", "run_finished",
    ]);
    expect(onDisk.at(-1)).toMatchObject({ outcome: "success" });
    expect(server.events.length).toBeLessThan(onDisk.length);
    expect(r.stderr).toContain("events.jsonl");
  });

  test("a compile error is a judged pipeline failure: exit 0, run_finished names .quire/ci.fnl:line:col", async () => {
    const server = await startServer();
    const ws = workspaceWith(`(local ci (require :quire.ci))\n\n(ci.job :x [:quire/push] (fn [] (undefined-thing)))\n`);
    const r = await runQuireCi(ws, serverEnv(server));
    expect(r.code).toBe(0);
    const onDisk = readEvents(r.eventsFile);
    expect(onDisk).toHaveLength(1);
    expect(onDisk[0]).toMatchObject({ type: "run_finished", outcome: "pipeline-failure" });
    expect(onDisk[0]).toHaveProperty("error", expect.stringMatching(/^\.quire\/ci\.fnl:3:\d+: Compile error: unknown identifier: undefined-thing/));
    expect(server.events).toEqual(onDisk);
  });

  test("a job timeout ends the run timed-out, still exit 0", async () => {
    const server = await startServer();
    const ws = workspaceWith(`(local ci (require :quire.ci))\n(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 30")) {:timeout 0.5})\n`);
    const started = Date.now();
    const r = await runQuireCi(ws, serverEnv(server));
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const onDisk = readEvents(r.eventsFile);
    expect(onDisk.find((e) => e.type === "job_finished")).toMatchObject({ outcome: "failed", timed_out: true });
    expect(onDisk.at(-1)).toMatchObject({ type: "run_finished", outcome: "timed-out" });
  });

  test("the bootstrap's pipeline_memory_bytes limits the pipeline's Lua; going past it fails the job at its ci.fnl line", async () => {
    const server = await startServer({ pipelineMemoryBytes: 64 * 1024 * 1024 });
    // 40 MB of strings fit in 64 MiB; the growing table of them after it does not.
    const ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :fits [:quire/push]
  (fn [] (let [t []] (for [i 1 300] (tset t i (string.rep (tostring i) 50000))) nil)))
(ci.job :bomb [:fits]
  (fn []
    (local t [])
    (for [i 1 100000000]
      (tset t i [i i i i]))))
`);
    const r = await runQuireCi(ws, serverEnv(server));
    expect(r.code).toBe(0);
    const onDisk = readEvents(r.eventsFile);
    expect(onDisk.filter((e) => e.type === "job_finished")).toMatchObject([
      { job_id: "fits", outcome: "complete" },
      { job_id: "bomb", outcome: "failed", error: ".quire/ci.fnl:8: memory limit of 64 MiB reached" },
    ]);
    expect(onDisk.at(-1)).toMatchObject({ type: "run_finished", outcome: "pipeline-failure" });
  });

  test("SIGTERM (supersede) stops the commands quire-ci started, not just quire-ci", async () => {
    let ws = "";
    const server = await startServer();
    ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :long [:quire/push]
  (fn [{: sh}] (sh "sleep 60 & echo $! > sleeper.pid; wait")))
`);
    const runDir = tempDir("quire-ci-run-");
    const child = spawn(process.execPath, [BIN, "--events", path.join(runDir, "events.jsonl"), "--out-dir", runDir], {
      cwd: ws,
      env: { PATH: process.env.PATH ?? "", ...serverEnv(server) },
      stdio: ["ignore", "ignore", "ignore", "pipe"],
    });
    (child.stdio[3] as Writable).end(TOKEN + "\n");
    const pidFile = path.join(ws, "sleeper.pid");
    for (let i = 0; i < 200 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
    const sleeper = Number(fs.readFileSync(pidFile, "utf8"));
    expect(() => process.kill(sleeper, 0)).not.toThrow();
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    let alive = true;
    for (let i = 0; i < 40 && alive; i++) {
      try {
        process.kill(sleeper, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive, "the sleeping command outlived quire-ci").toBe(false);
  });

  test("quire-ci itself failing exits non-zero: bootstrap refused, no server, missing environment", async () => {
    const ws = workspaceWith(`(local ci (require :quire.ci))\n(ci.job :x [:quire/push] (fn [] nil))\n`);
    const refused = await startServer({ bootstrapStatus: 409 });
    const r1 = await runQuireCi(ws, serverEnv(refused));
    expect(r1.code).not.toBe(0);
    expect(r1.stderr).toContain("refused the bootstrap request (HTTP 409");
    expect(refused.events).toHaveLength(0);

    const gone = await startServer();
    await gone.kill();
    const r2 = await runQuireCi(ws, serverEnv(gone));
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toContain("could not fetch the bootstrap");

    const r3 = await runQuireCi(ws, {});
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain("QUIRE__SERVER_URL and QUIRE__TOKEN_FD must be set");
  });
});

describe("server mode over https (runners reach a server behind TLS)", () => {
  /** A self-signed certificate for 127.0.0.1, made with openssl. */
  function selfSigned(): { key: string; cert: string; certFile: string } | undefined {
    const dir = tempDir("quire-ci-tls-");
    const r = spawnSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
      { encoding: "utf8" },
    );
    if (r.status !== 0) return undefined;
    return { key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"), cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"), certFile: path.join(dir, "cert.pem") };
  }
  const tls = spawnSync("openssl", ["version"]).status === 0 ? selfSigned() : undefined;

  test.skipIf(tls === undefined)("runs against an https:// server it trusts, and refuses one whose certificate it cannot verify (skipped without openssl)", async () => {
    const server = await startServer({ tls: { key: tls!.key, cert: tls!.cert } });
    expect(server.url).toMatch(/^https:/);
    const ws = workspaceWith(`(local ci (require :quire.ci))\n(ci.job :tls [:quire/push] (fn [{: sh}] (sh "echo over tls")))\n`);
    const ok = await runQuireCi(ws, { ...serverEnv(server), NODE_EXTRA_CA_CERTS: tls!.certFile });
    expect(ok.code, ok.stderr).toBe(0);
    expect(readEvents(ok.eventsFile).at(-1)).toMatchObject({ type: "run_finished", outcome: "success" });
    expect(server.events.at(-1)).toMatchObject({ type: "run_finished" });
    const refused = await runQuireCi(ws, serverEnv(server));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/self[- ]signed certificate|unable to verify/i);
  });
});
