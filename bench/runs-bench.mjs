// Run lifecycle throughput against the built server (packages/server/dist):
// events applied per second on the live path (real HTTP on 127.0.0.1, one
// event per POST and batches of 100) and on the file path (events.jsonl
// ingest), and run create→active latency (createRun → spawn → bootstrap).
// The executor is this same script in executor mode (a real child process).
// Usage: node bench/runs-bench.mjs [LIVE_EVENTS] [FILE_EVENTS] [RUNS]
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const self = fileURLToPath(import.meta.url);

/** `total` events: jobs of three sh calls each, then run_finished. */
function* eventStream(total) {
  let seq = 0;
  for (let job = 0; seq < total - 1; job++) {
    const job_id = `job-${job}`;
    const body = [{ type: "job_started", job_id }];
    for (let n = 1; n <= 3; n++) body.push({ type: "sh_started", job_id, n, cmd: `make step-${n}` }, { type: "sh_finished", job_id, n, exit_code: 0 });
    body.push({ type: "job_finished", job_id, outcome: "complete" });
    for (const e of body) {
      if (seq === total - 1) break;
      yield { seq: ++seq, at_ms: Date.now(), ...e };
    }
  }
  yield { seq: ++seq, at_ms: Date.now(), type: "run_finished", outcome: "success" };
}

// Executor mode: bootstrap, post events (mode "single" | "batch" | "none"), report timing.
if (process.argv[2] === "--executor") {
  const [, , , mode, countArg] = process.argv;
  const outDir = process.argv[process.argv.indexOf("--out-dir") + 1];
  const eventsFile = process.argv[process.argv.indexOf("--events") + 1];
  const url = process.env.QUIRE__SERVER_URL;
  const token = readFileSync(Number(process.env.QUIRE__TOKEN_FD), "utf8").trim(); // as quire-ci reads it
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const boot = await fetch(`${url}/api/run/bootstrap`, { headers });
  if (boot.status !== 200) throw new Error(`bootstrap ${boot.status}`);
  await boot.json();
  const events = [...eventStream(Number(countArg))];
  const t0 = performance.now();
  // node:http with keep-alive, as quire-ci's client does.
  const http = await import("node:http");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL("/api/run/events", url);
  const post = (body) =>
    new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = http.request(target, { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(data) } }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`events ${res.statusCode} ${Buffer.concat(chunks)}`))));
      });
      req.on("error", reject);
      req.end(data);
    });
  if (mode === "single") for (const e of events) await post(e);
  if (mode === "batch") for (let i = 0; i < events.length; i += 100) await post(events.slice(i, i + 100));
  const ms = performance.now() - t0;
  appendFileSync(eventsFile, events.map((e) => JSON.stringify(e) + "\n").join(""));
  writeFileSync(path.join(outDir, "bench.json"), JSON.stringify({ events: events.length, ms }));
  process.exit(0);
}

const LIVE_EVENTS = Number(process.argv[2] ?? 5000);
const FILE_EVENTS = Number(process.argv[3] ?? 100_000);
const RUNS = Number(process.argv[4] ?? 20);

const { startQuire } = await import(path.join(root, "packages/server/dist/serve/start.js"));
const { getRun } = await import(path.join(root, "packages/server/dist/db/queries.js"));
const { createRun } = await import(path.join(root, "packages/server/dist/runs/create.js"));
const { transitionRun } = await import(path.join(root, "packages/server/dist/runs/transition.js"));
const { ingestEventsFile } = await import(path.join(root, "packages/server/dist/runs/ingest.js"));
const { runDirs } = await import(path.join(root, "packages/server/dist/runs/spawn.js"));

const dataDir = mkdtempSync(path.join(tmpdir(), "quire-runs-bench-"));
let n = 0;
const input = (ref = "refs/heads/main") => {
  const sha = (++n).toString(16).padStart(40, "0");
  return {
    repo: "bench",
    ref,
    sha,
    push: { sha, ref, branch: ref.slice(11), tag: null, previous_sha: null, files_changed: [], pusher: null, commit_message: "bench", repo: "bench" },
  };
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (x) => Math.round(x).toLocaleString("en-US");

async function withQuire(mode, count, fn) {
  const quire = await startQuire({
    dataDir,
    config: { port: 0 },
    executor: { command: process.execPath, args: [self, "--executor", mode, String(count)] },
    pollMs: 20,
    log: () => {},
  });
  try {
    return await fn(quire);
  } finally {
    await quire.close();
  }
}

async function finish(quire, id) {
  for (;;) {
    const r = getRun(quire.db, id);
    if (r.state !== "pending" && r.state !== "active" && r.pid === null && quire.queue.running().length === 0) return r;
    await new Promise((res) => setTimeout(res, 2));
  }
}

try {
  // Live path.
  for (const mode of ["single", "batch"]) {
    await withQuire(mode, LIVE_EVENTS, async (quire) => {
      const { run } = quire.createRun(input(`refs/heads/live-${mode}`));
      const done = await finish(quire, run.id);
      if (done.state !== "complete") throw new Error(`live ${mode} run ended ${done.state}/${done.failureKind}`);
      const { events, ms } = JSON.parse((await import("node:fs")).readFileSync(path.join(runDirs(quire.paths.runs, "bench", run.id).runDir, "bench.json"), "utf8"));
      const label = mode === "single" ? "one event per POST" : "100 events per POST";
      console.log(`live path (${label}):  ${fmt(events / (ms / 1000))} events/s  (${fmt(events)} events in ${fmt(ms)} ms)`);
    });
  }

  // File path: ingest of a fresh events.jsonl into an active run.
  await withQuire("none", 0, async (quire) => {
    const { run } = createRun(quire.db, input("refs/heads/file"));
    transitionRun(quire.db, run.id, "pending", "active");
    const file = path.join(dataDir, "bench-events.jsonl");
    writeFileSync(file, [...eventStream(FILE_EVENTS)].map((e) => JSON.stringify(e)).join("\n") + "\n");
    const t0 = performance.now();
    const report = ingestEventsFile(quire.db, run.id, file);
    const ms = performance.now() - t0;
    if (report.applied !== FILE_EVENTS) throw new Error(`ingest applied ${report.applied} of ${FILE_EVENTS}`);
    console.log(`file path (events.jsonl ingest): ${fmt(FILE_EVENTS / (ms / 1000))} events/s  (${fmt(FILE_EVENTS)} events in ${fmt(ms)} ms)`);
    transitionRun(quire.db, run.id, "active", "complete");
  });

  // create → active latency: createRun wakes the queue, which spawns node, which bootstraps.
  await withQuire("none", 0, async (quire) => {
    const latencies = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const { run } = quire.createRun(input(`refs/heads/latency-${i}`));
      let active;
      for (;;) {
        const r = getRun(quire.db, run.id);
        if (r.state !== "pending") {
          active = r;
          break;
        }
        await new Promise((res) => setImmediate(res));
      }
      latencies.push(performance.now() - t0);
      if (active.state !== "active" && active.state !== "failed") throw new Error(`run ${run.id} went ${active.state}`);
      await finish(quire, run.id);
    }
    console.log(
      `create→active latency over ${RUNS} runs: median ${fmt(pct(latencies, 50))} ms, p90 ${fmt(pct(latencies, 90))} ms, max ${fmt(Math.max(...latencies))} ms`,
    );
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
