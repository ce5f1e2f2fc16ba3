// A loopback run API and a server-mode run of the built quire-ci, for the
// benches that measure quire-ci as `quire serve` runs it.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = path.join(root, "packages/quire-ci/dist/bin/quire-ci.js");
export const TOKEN = "bench-token";
export const PUSH = {
  sha: "a".repeat(40), ref: "refs/heads/main", branch: "main", tag: null, previous_sha: null,
  files_changed: [], pusher: "bench", commit_message: "bench", repo: "bench.git",
};

/** A workspace holding `ciFnl` as its .quire/ci.fnl. */
export function workspace(ciFnl) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), "quire-ci-bench-"));
  fs.mkdirSync(path.join(ws, ".quire"));
  fs.writeFileSync(path.join(ws, ".quire/ci.fnl"), ciFnl);
  return ws;
}

/** A loopback run API: records when the bootstrap request arrives, accepts events. */
export async function apiServer() {
  const state = { bootstrapAt: 0, events: [] };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.url === "/api/run/bootstrap") {
        state.bootstrapAt = performance.now();
        state.bootstrapAtMs = Date.now();
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({
          run_id: "r", repo: "bench.git", ref: PUSH.ref, sha: PUSH.sha, queued_at_ms: Date.now(), started_at_ms: Date.now(),
          push: PUSH, secret_names: [], settings: { max_parallel_jobs: 1 },
        }));
      }
      const value = JSON.parse(body);
      state.events.push(...(Array.isArray(value) ? value : [value]));
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { state, server, url: `http://127.0.0.1:${server.address().port}` };
}

/** Run quire-ci in server mode; resolves with the spawn time and events.jsonl. */
export async function runServerMode(api, ws) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "quire-ci-bench-run-"));
  const events = path.join(runDir, "events.jsonl");
  const spawnedAt = performance.now();
  // As `quire serve` starts it: the server URL in the environment, the token on fd 3.
  const child = spawn(process.execPath, [BIN, "--events", events, "--out-dir", runDir], {
    cwd: ws, stdio: ["ignore", "ignore", "pipe", "pipe"],
    env: { ...process.env, QUIRE__SERVER_URL: api.url, QUIRE__TOKEN_FD: "3" },
  });
  child.stdio[3].end(TOKEN + "\n");
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  const code = await new Promise((r) => child.on("close", r));
  const exitedAt = performance.now();
  if (code !== 0) throw new Error(`quire-ci exited ${code}: ${stderr}`);
  const list = fs.readFileSync(events, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  return { spawnedAt, exitedAt, events: list, runDir };
}

