// Live run pages under load, against the built server (a real `quire serve`
// child, a real push, the real quire-ci): a job prints a line with the time
// it was printed every INTERVAL ms; N Server-Sent Events readers follow the
// run's stream; each line's latency is the time a reader received it minus
// the time the job printed it (one clock: all on this machine). Prints p50,
// p99 and max per phase, and the server's CPU (utime+stime of its process,
// quire-ci excluded) over the busy window, for 1 reader and for 50, with the
// ratio between them. Goal (issue 9): a line in the reader within 200 ms.
// Usage: node bench/live-bench.mjs [READERS=50] [SECONDS=8] [INTERVAL_MS=5]
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const quireBin = path.join(root, "packages", "server", "dist", "bin", "quire.js");
const READERS = Number(process.argv[2] ?? 50);
const SECONDS = Number(process.argv[3] ?? 8);
const INTERVAL = Number(process.argv[4] ?? 5);
const TICK = 1000 / Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);

const data = mkdtempSync(path.join(tmpdir(), "quire-live-bench-"));
const env = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@example.invalid",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@example.invalid",
};
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r;
};

/** CPU ms the process has used (user + system). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK;
}

function quantile(sorted, q) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One reader of a run stream: records the latency of every live line. */
function reader(base, urlPath, latencies, liveFrom) {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = http.get({ host: u.hostname, port: u.port, path: urlPath, headers: { Accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`stream answered ${res.statusCode}`));
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        const now = Date.now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith("event: log")) continue;
          for (const m of block.matchAll(/class=\\"src\\">(\d{13})</g)) {
            const printed = Number(m[1]);
            if (printed >= liveFrom()) latencies.push(now - printed);
          }
        }
      });
      res.on("end", resolve);
      res.on("close", resolve);
    });
    req.on("error", reject);
  });
}

async function phase(serve, work, readers, ref) {
  const printer = `const end = Date.now() + ${SECONDS * 1000}; const t = setInterval(() => { console.log(Date.now()); if (Date.now() > end) clearInterval(t); }, ${INTERVAL});`;
  writeFileSync(path.join(work, ".quire", "ci.fnl"), `(local ci (require :quire.ci))\n(ci.job :busy [:quire/push] (fn [{: sh}] (sh ["node" "-e" ${JSON.stringify(printer)}])))\n`);
  writeFileSync(path.join(work, "phase.txt"), ref);
  run("git", ["add", "-A"], work);
  run("git", ["commit", "-q", "-m", `phase ${ref}`], work);
  const push = run("git", ["push", "-q", "origin", `HEAD:refs/heads/${ref}`], work);
  const id = /quire: run (\S+) queued/.exec(push.stderr)?.[1];
  if (id === undefined) throw new Error(`no run: ${push.stderr}`);
  const latencies = [];
  // Lines printed before the readers are all connected come as catch-up, not live.
  let liveFrom = Infinity;
  const streams = Array.from({ length: readers }, () => reader(serve.url, `/bench/runs/${id}/live`, latencies, () => liveFrom));
  liveFrom = Date.now() + 1000;
  // The busy window: from a second in to a second before the job ends.
  await new Promise((r) => setTimeout(r, 1500));
  const cpu0 = cpuMs(serve.pid);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, (SECONDS - 2.5) * 1000));
  const cpu = cpuMs(serve.pid) - cpu0;
  const wall = Date.now() - t0;
  await Promise.all(streams);
  latencies.sort((a, b) => a - b);
  return { readers, lines: latencies.length / readers, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1), cpuPct: (100 * cpu) / wall };
}

async function main() {
  writeFileSync(path.join(data, "config.fnl"), "{}\n");
  run(process.execPath, [quireBin, "--data-dir", data, "repo", "new", "bench"]);
  const proc = spawn(process.execPath, [quireBin, "--data-dir", data, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quire serve did not start:\n${out}`)), 15_000);
    proc.stdout.on("data", () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  const serve = { url, pid: proc.pid };
  const work = path.join(data, "work");
  mkdirSync(path.join(work, ".quire"), { recursive: true });
  run("git", ["init", "-q", "-b", "main"], work);
  run("git", ["remote", "add", "origin", path.join(data, "repos", "bench.git")], work);
  // Runs readable without an identity: the default branch's config says so.
  writeFileSync(path.join(work, ".quire", "config.fnl"), "{:public-runs true}\n");
  run("git", ["add", "-A"], work);
  run("git", ["commit", "-q", "-m", "public runs"], work);
  run("git", ["push", "-q", "origin", "HEAD:refs/heads/main"], work);
  try {
    const rows = [];
    for (const [readers, ref] of [
      [1, "one"],
      [READERS, "many"],
    ]) {
      rows.push(await phase(serve, work, readers, ref));
    }
    console.log(`live-bench: a job printing a line every ${INTERVAL} ms for ${SECONDS} s; latency = reader receipt - job print (goal: under 200 ms)`);
    console.log("readers  lines/reader  p50 ms  p99 ms  max ms  server CPU %");
    for (const r of rows) {
      console.log(
        `${String(r.readers).padStart(7)}  ${String(Math.round(r.lines)).padStart(12)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.max).padStart(6)}  ${r.cpuPct.toFixed(1).padStart(12)}`,
      );
    }
    const [one, many] = rows;
    console.log(`ratio ${many.readers} readers / 1 reader: p99 ×${(many.p99 / Math.max(1, one.p99)).toFixed(2)}, server CPU ×${(many.cpuPct / Math.max(0.1, one.cpuPct)).toFixed(2)}`);
    console.log(`goal p99 < 200 ms with ${many.readers} readers: ${many.p99 < 200 ? "met" : "NOT met"}`);
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
    rmSync(data, { recursive: true, force: true });
  }
}

await main();
