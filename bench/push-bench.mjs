// Push → run latency and throughput, end to end: a real `quire serve`, a
// repository made by `quire repo new`, real `git push`es of a one-job echo
// pipeline, the real quire-ci. Latencies come from the run rows' own stamps
// (queued_at_ms, started_at_ms, finished_at_ms) against the wall clock taken
// just before each `git push` starts. Needs a build (`pnpm bench` does it).
// Usage: node bench/push-bench.mjs [LATENCY_PUSHES] [THROUGHPUT_PUSHES]
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const quireBin = path.join(root, "packages/server/dist/bin/quire.js");
const { openDatabase } = await import(path.join(root, "packages/server/dist/db/open.js"));
const { getRun } = await import(path.join(root, "packages/server/dist/db/queries.js"));

const LATENCY_PUSHES = Number(process.argv[2] ?? 10);
const THROUGHPUT_PUSHES = Number(process.argv[3] ?? 10);
const TARGET_ACTIVE_MS = 200;
const TARGET_COMPLETE_MS = 600;

const env = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@example.invalid",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@example.invalid",
};
const git = (cwd, ...args) => execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();

function gitPush(cwd, ...args) {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["push", "origin", ...args], { cwd, env });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => (code === 0 ? resolve(err) : reject(new Error(`git push failed:\n${err}`))));
  });
}

function startServe(dataDir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [quireBin, "--data-dir", dataDir, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    proc.stderr.on("data", (d) => (out += d));
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on("exit", (code) => reject(new Error(`quire serve exited ${code}:\n${out}`)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function settle(db, id) {
  for (;;) {
    const run = getRun(db, id);
    if (run && ["complete", "failed", "superseded"].includes(run.state)) return run;
    await sleep(5);
  }
}

function runIds(stderr) {
  return [...stderr.matchAll(/quire: run (\S+) queued for (\S+)/g)].map((m) => m[1]);
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], median: q(0.5), p90: q(0.9), max: s[s.length - 1] };
}

const fmt = (st) => `median ${st.median} ms, p90 ${st.p90} ms, min ${st.min} ms, max ${st.max} ms`;

const data = mkdtempSync(path.join(tmpdir(), "quire-bench-"));
const work = mkdtempSync(path.join(tmpdir(), "quire-bench-work-"));
let serve;
try {
  execFileSync(process.execPath, [quireBin, "--data-dir", data, "repo", "new", "bench"], { env });
  serve = await startServe(data);
  const db = openDatabase(path.join(data, "quire.db"));
  git(work, "init", "-q", "-b", "main");
  git(work, "remote", "add", "origin", path.join(data, "repos", "bench.git"));
  mkdirSync(path.join(work, ".quire"));
  writeFileSync(path.join(work, ".quire", "ci.fnl"), '(local ci (require :quire.ci))\n(ci.job :echo [:quire/push] (fn [{: sh}] (sh ["echo" "hello"])))\n');

  // Warm-up: the first run pays for loading everything once.
  let n = 0;
  const commit = () => {
    writeFileSync(path.join(work, "n.txt"), String(++n));
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", `change ${n}`);
  };
  commit();
  await settle(db, runIds(await gitPush(work, "main"))[0]);

  const queued = [];
  const active = [];
  const complete = [];
  for (let i = 0; i < LATENCY_PUSHES; i++) {
    commit();
    const t0 = Date.now();
    const [id] = runIds(await gitPush(work, "main"));
    const run = await settle(db, id);
    if (run.state !== "complete") throw new Error(`run ${id} ended ${run.state}/${run.failure_kind}: ${run.error}`);
    queued.push(run.queuedAtMs - t0);
    active.push(run.startedAtMs - t0);
    complete.push(run.finishedAtMs - t0);
  }
  // The floor on this machine right now: push → active spans two node start-ups (the hook, quire-ci).
  const nodeStart = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    execFileSync(process.execPath, ["-e", "0"]);
    nodeStart.push(Math.round(performance.now() - t));
  }
  console.log(`reference: bare \`node -e 0\` start ${fmt(stats(nodeStart))}`);
  const a = stats(active);
  const c = stats(complete);
  console.log(`push → run pending  (${LATENCY_PUSHES} pushes): ${fmt(stats(queued))}`);
  console.log(`push → run active   (${LATENCY_PUSHES} pushes): ${fmt(a)}  [target < ${TARGET_ACTIVE_MS} ms: ${a.median < TARGET_ACTIVE_MS ? "met" : "missed"}]`);
  console.log(`push → run complete (${LATENCY_PUSHES} pushes): ${fmt(c)}  [target < ${TARGET_COMPLETE_MS} ms: ${c.median < TARGET_COMPLETE_MS ? "met" : "missed"}]`);

  // Throughput: N pushes to N refs (no supersede), one after another, then wait for every run.
  commit();
  const t0 = Date.now();
  const ids = [];
  for (let i = 0; i < THROUGHPUT_PUSHES; i++) ids.push(...runIds(await gitPush(work, `main:refs/heads/bench-${i}`)));
  const pushedMs = Date.now() - t0;
  const runs = [];
  for (const id of ids) runs.push(await settle(db, id));
  const allMs = Date.now() - t0;
  const failed = runs.filter((r) => r.state !== "complete").length;
  console.log(
    `throughput: ${THROUGHPUT_PUSHES} pushes accepted in ${pushedMs} ms (${((THROUGHPUT_PUSHES * 1000) / pushedMs).toFixed(1)} pushes/s); ` +
      `all ${ids.length} runs finished in ${allMs} ms (${((ids.length * 1000) / allMs).toFixed(1)} runs/s, :max-concurrent-runs 1)` +
      (failed > 0 ? `; ${failed} did not complete` : ""),
  );
  db.close();
} finally {
  if (serve) {
    const exited = new Promise((r) => serve.proc.once("exit", r));
    serve.proc.kill("SIGTERM");
    await exited;
  }
  rmSync(data, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
