// Times each web page type of quire beside cgit, in one run, on the same bare
// repositories: cgit 1.2 from Debian run as CGI under lighttpd (as a web
// server runs it), quire as `quire serve`. Prints medians and the ratio
// quire/cgit, blame and log beside the bare git command they run (timed in
// turns with it), cached sha pages, a cached page's latency while blames
// run beside it, and requests/s on a cached log page with 4 connections (wrk).
// Repositories: the bundles in $QUIRE_SHARED_DIR/bench-repos (default
// <repo>/../shared) when present,
// else a generated one of about 3,000 commits. Needs lighttpd, cgit, wrk.
//
// Usage: node bench/web-bench.mjs [--n 30] [--pages tree,blob] [--keep]
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const N = Number(args[args.indexOf("--n") + 1]) || 30;
const keep = args.includes("--keep");
/** `--pages tree,blob` measures only page types whose name starts with one of these. */
const only = args.includes("--pages") ? args[args.indexOf("--pages") + 1].split(",") : null;
const CGIT = "/usr/lib/cgit/cgit.cgi";

for (const [bin, pkg] of [["lighttpd", "lighttpd"], ["wrk", "wrk"]]) {
  if (spawnSync("sh", ["-c", `command -v ${bin}`]).status !== 0) {
    console.log(`web-bench: skipped: ${bin} is not installed (apt-get install ${pkg})`);
    process.exit(0);
  }
}
if (!existsSync(CGIT)) {
  console.log("web-bench: skipped: cgit is not installed (apt-get install cgit)");
  process.exit(0);
}
const quireBin = path.join(root, "packages/server/dist/bin/quire.js");
if (!existsSync(quireBin)) {
  console.log("web-bench: build first (pnpm build)");
  process.exit(1);
}

const work = mkdtempSync(path.join(os.tmpdir(), "quire-web-bench-"));
const dataDir = path.join(work, "data");
const reposDir = path.join(dataDir, "repos");
mkdirSync(reposDir, { recursive: true });
const git = (cwd, a, input) => execFileSync("git", a, { cwd, input, encoding: "utf8", maxBuffer: 1 << 28, env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });

/** The repositories to measure, each with the files and commits its pages show. */
function setUpRepos() {
  const bundles = path.join(process.env.QUIRE_SHARED_DIR ?? path.resolve(root, "..", "shared"), "bench-repos");
  const found = [];
  for (const [name, bundle, file] of [
    ["quire", "quire-upstream.bundle", "quire-server/src/ci/run.rs"],
    ["fennel", "fennel.bundle", "src/fennel/specials.fnl"],
  ]) {
    const b = path.join(bundles, bundle);
    if (!existsSync(b)) continue;
    git(work, ["clone", "-q", "--mirror", b, path.join(reposDir, `${name}.git`)]);
    found.push({ name, file });
  }
  if (found.length === 0) found.push(generateRepo());
  for (const r of found) {
    r.dir = path.join(reposDir, `${r.name}.git`);
    r.head = git(r.dir, ["symbolic-ref", "--short", "HEAD"]).trim();
    r.sha = git(r.dir, ["rev-parse", r.head]).trim();
    r.commit = p99Commit(r.dir, r.head);
  }
  return found;
}

/** A repository of about 3,000 commits when no real one is at hand. */
function generateRepo() {
  const w = path.join(work, "gen");
  mkdirSync(w);
  git(w, ["init", "-q", "-b", "main"]);
  let stream = "";
  const lines = Array.from({ length: 1300 }, (_, i) => `int f${i}(int x) { return x * ${i}; } /* line ${i} */`);
  for (let c = 1; c <= 3000; c++) {
    lines[(c * 37) % lines.length] = `int f${c}(int y) { return y + ${c}; } /* changed in ${c} */`;
    const body = lines.join("\n") + "\n";
    const msg = `commit ${c}: change line ${(c * 37) % lines.length}\n`;
    stream += `commit refs/heads/main\ncommitter Bench <bench@example.invalid> ${1_700_000_000 + c * 60} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`;
    stream += `M 644 inline src/main.c\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
  git(w, ["fast-import", "--quiet"], stream);
  git(work, ["clone", "-q", "--bare", w, path.join(reposDir, "generated.git")]);
  return { name: "generated", file: "src/main.c" };
}

/** The commit at the 99th percentile of lines changed among the newest 2,000. */
function p99Commit(dir, head) {
  const out = git(dir, ["log", "-n", "2000", "--format=@%H", "--shortstat", head]);
  const sizes = [];
  let sha = null;
  for (const line of out.split("\n")) {
    if (line.startsWith("@")) sha = line.slice(1);
    else if (sha && /changed/.test(line)) {
      const n = [...line.matchAll(/(\d+) (insertion|deletion)/g)].reduce((t, m) => t + Number(m[1]), 0);
      sizes.push({ sha, n });
      sha = null;
    }
  }
  sizes.sort((a, b) => a.n - b.n);
  return sizes[Math.floor(sizes.length * 0.99)]?.sha ?? sizes[sizes.length - 1].sha;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      await get(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} never answered`);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
/** GET with a kept-alive socket; a socket the server closed while idle is retried once on a new one. */
function get(url, retried = false, via = agent) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: via }, (res) => {
      let bytes = 0;
      res.on("data", (c) => (bytes += c.length));
      res.on("end", () => resolve({ status: res.statusCode, bytes }));
    });
    req.on("error", (e) => (!retried && e.code === "ECONNRESET" ? get(url, true, via).then(resolve, reject) : reject(e)));
  });
}

/** Median and p90 of `n` sequential requests (after 3 warm-ups); `vary(i)` makes each URL distinct. */
async function time(urlOf, n = N) {
  for (let i = 0; i < 3; i++) await get(urlOf(-1 - i));
  const ts = [];
  let status = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await get(urlOf(i));
    ts.push(performance.now() - t);
    status = r.status;
    bytes = r.bytes;
  }
  ts.sort((a, b) => a - b);
  return { med: ts[Math.floor(n / 2)], p90: ts[Math.floor(n * 0.9)], status, bytes };
}

/** Run `git args` in `dir` once, as a server would spawn it; its time in ms. */
function runGitOnce(dir, gitArgs) {
  const t = performance.now();
  const r = spawnSync("git", gitArgs, { cwd: dir, env: { ...process.env, GIT_DIR: dir }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${gitArgs.join(" ")}: ${r.stderr}`);
  return performance.now() - t;
}

/**
 * Medians of a quire page and the bare git command it runs, timed in turns
 * (page, git, page, git…, after 3 warm-ups of each): a machine whose load
 * changes during the run slows both alike, so the ratio holds.
 */
async function timeBeside(urlOf, dir, gitArgs, n = N) {
  const page = [];
  const git = [];
  for (let i = -3; i < n; i++) {
    const t = performance.now();
    await get(urlOf(i));
    const pageMs = performance.now() - t;
    const gitMs = runGitOnce(dir, gitArgs);
    if (i >= 0) {
      page.push(pageMs);
      git.push(gitMs);
    }
  }
  const median = (ts) => ts.sort((a, b) => a - b)[Math.floor(n / 2)];
  return { page: median(page), git: median(git) };
}

/**
 * p50 and p99 (ms) of a cached page requested back to back for `ms`, alone or
 * while another connection loads uncached blame pages back to back: what the
 * git processes those start cost everyone else (a fork that blocks the event loop).
 */
async function latencyBeside(url, blameUrl, ms = 4000) {
  const side = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let stop = false;
  const blames = blameUrl === null ? null : (async () => {
    for (let i = 0; !stop; i++) await get(bust(blameUrl, `c${i}`), false, side);
  })();
  const ts = [];
  for (const end = Date.now() + ms; Date.now() < end; ) {
    const t = performance.now();
    await get(url);
    ts.push(performance.now() - t);
  }
  stop = true;
  await blames;
  side.destroy();
  ts.sort((a, b) => a - b);
  return { p50: ts[Math.floor(ts.length * 0.5)], p99: ts[Math.floor(ts.length * 0.99)], n: ts.length };
}

/** wrk's median latency (ms) for `url` over one kept-alive connection: the server's time, not a slow client's. */
function wrkMedian(url) {
  const r = spawnSync("wrk", ["-t1", "-c1", "-d3s", "--latency", url], { encoding: "utf8" });
  const m = /^\s*50%\s+([\d.]+)(us|ms|s)\s*$/m.exec(r.stdout);
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
}

function wrk(url) {
  const r = spawnSync("wrk", ["-t2", "-c4", "-d5s", url], { encoding: "utf8" });
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
}

const procs = [];
function cleanup() {
  for (const p of procs) p.kill("SIGTERM");
  if (!keep) rmSync(work, { recursive: true, force: true });
}
process.on("exit", cleanup);

const repos = setUpRepos();
const [cgitPort, quirePort] = [await freePort(), await freePort()];

// cgit as CGI under lighttpd, its own cache off (cache-size=0): every page rendered per request.
const cgitrc = path.join(work, "cgitrc");
writeFileSync(
  cgitrc,
  [
    "cache-size=0",
    "virtual-root=/cgit/",
    "enable-log-filecount=1",
    "enable-log-linecount=1",
    "enable-blame=1",
    "snapshots=tar.gz zip",
    "max-commit-count=50",
    ...repos.flatMap((r) => [`repo.url=${r.name}`, `repo.path=${r.dir}`]),
  ].join("\n") + "\n",
);
const lconf = path.join(work, "lighttpd.conf");
writeFileSync(
  lconf,
  `server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.port = ${cgitPort}
server.bind = "127.0.0.1"
server.document-root = "${work}"
server.errorlog = "${path.join(work, "lighttpd.err")}"
alias.url = ("/cgit" => "${CGIT}")
cgi.assign = ("" => "")
setenv.add-environment = ("CGIT_CONFIG" => "${cgitrc}")
`,
);
procs.push(spawn("lighttpd", ["-D", "-f", lconf], { stdio: "ignore" }));
procs.push(spawn(process.execPath, [quireBin, "--data-dir", dataDir, "serve", "--port", String(quirePort)], { stdio: "ignore" }));
const C = `http://127.0.0.1:${cgitPort}/cgit`;
const Q = `http://127.0.0.1:${quirePort}`;
await waitFor(`${C}/`);
await waitFor(`${Q}/healthz`);

const rows = [];
const bust = (url, i) => `${url}${url.includes("?") ? "&" : "?"}_bench=${i}`;
for (const r of repos) {
  const file = r.file;
  const pages = [
    ["summary", `${C}/${r.name}/`, `${Q}/${r.name}`],
    ["tree", `${C}/${r.name}/tree/`, `${Q}/${r.name}/tree/${r.head}`],
    [`blob ${path.basename(file)}`, `${C}/${r.name}/tree/${file}`, `${Q}/${r.name}/blob/${r.head}/${file}`],
    ["raw", `${C}/${r.name}/plain/${file}`, `${Q}/${r.name}/raw/${r.head}/${file}`],
    ["log (50)", `${C}/${r.name}/log/`, `${Q}/${r.name}/log/${r.head}`],
    ["commit p99", `${C}/${r.name}/commit/?id=${r.commit}`, `${Q}/${r.name}/commit/${r.commit}`],
    ["blame", `${C}/${r.name}/blame/${file}`, `${Q}/${r.name}/blame/${r.head}/${file}`],
    ["refs", `${C}/${r.name}/refs/`, `${Q}/${r.name}/refs`],
    ["atom", `${C}/${r.name}/atom/`, `${Q}/${r.name}/atom`],
  ];
  for (const [page, cgitUrl, quireUrl] of pages.filter(([p]) => only === null || only.some((o) => p.startsWith(o)))) {
    const c = await time(() => cgitUrl);
    const q = await time((i) => bust(quireUrl, i));
    rows.push({ repo: r.name, page, cgit: c, quire: q });
  }
  // Each against the bare git command in turns, the page cache bypassed as above (a separate query range).
  const blamePage = `${Q}/${r.name}/blame/${r.head}/${file}`;
  const logPage = `${Q}/${r.name}/log/${r.head}`;
  r.bare = {
    blame: await timeBeside((i) => bust(blamePage, `g${i}`), r.dir, ["blame", "--porcelain", r.sha, "--", file]),
    log: await timeBeside((i) => bust(logPage, `g${i}`), r.dir, ["log", "-n", "51", "-z", "--format=%H%x00%P%x00%an%x00%ae%x00%at%x00%s%x00%D", r.sha]),
  };
  // Warm the cache, then let wrk (a C client) time it: a Node client's own parsing of a large page would dominate.
  const shaTreeUrl = `${Q}/${r.name}/tree/${r.sha}`;
  const shaBlobUrl = `${Q}/${r.name}/blob/${r.sha}/${file}`;
  const shaTree = await time(() => shaTreeUrl, 5);
  const shaBlob = await time(() => shaBlobUrl, 5);
  r.cached = { tree: { ...shaTree, med: wrkMedian(shaTreeUrl) }, blob: { ...shaBlob, med: wrkMedian(shaBlobUrl) } };
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : "—");
console.log(`\nweb pages, median of ${N} sequential keep-alive requests (ms); quire's page cache bypassed with a unique query`);
console.log("repo      page                   cgit   quire  quire/cgit  (status)");
for (const row of rows) {
  const ratio = row.quire.med / row.cgit.med;
  const st = row.quire.status === 200 && row.cgit.status === 200 ? "" : `  (cgit ${row.cgit.status}, quire ${row.quire.status})`;
  console.log(`${row.repo.padEnd(9)} ${row.page.padEnd(21)} ${fmt(row.cgit.med).padStart(6)} ${fmt(row.quire.med).padStart(7)} ${fmt(ratio).padStart(9)}x${st}`);
}
console.log(`\nagainst the bare git command, page and command timed in turns, medians of ${N} (goal: at most 1.1x)`);
for (const r of repos) {
  const { blame, log } = r.bare;
  // Two decimals: the goal is 1.1x, and 1.14x must not print as 1.1x.
  const ratio = (x) => (Number.isFinite(x) ? x.toFixed(2) : "—");
  console.log(`${r.name.padEnd(9)} blame: quire ${fmt(blame.page)} / git ${fmt(blame.git)} = ${ratio(blame.page / blame.git)}x   log: quire ${fmt(log.page)} / git ${fmt(log.git)} = ${ratio(log.page / log.git)}x`);
}
console.log("\ncached pages addressed by a full sha, median latency by wrk over one connection (goal: at most 2 ms)");
for (const r of repos) console.log(`${r.name.padEnd(9)} tree ${fmt(r.cached.tree.med)} ms   blob ${fmt(r.cached.blob.med)} ms`);
{
  const r = repos[0];
  const page = `${Q}/${r.name}/tree/${r.sha}`;
  const alone = await latencyBeside(page, null);
  const beside = await latencyBeside(page, `${Q}/${r.name}/blame/${r.head}/${r.file}`);
  console.log(`\na cached page (tree by sha) requested back to back, p50 / p99 (ms) and requests in 4 s`);
  console.log(`alone: ${fmt(alone.p50)} / ${fmt(alone.p99)}, ${alone.n}   while another connection loads blame pages: ${fmt(beside.p50)} / ${fmt(beside.p99)}, ${beside.n}`);
}
const logUrl = `${Q}/${repos[0].name}/log/${repos[0].head}`;
await get(logUrl);
console.log(`\ncached log page, wrk -c4 -t2 -d5s: ${fmt(wrk(logUrl))} requests/s (goal: at least 1,300)`);
const cgitLog = wrk(`${C}/${repos[0].name}/log/`);
console.log(`cgit log page (no cache), same load: ${fmt(cgitLog)} requests/s`);
agent.destroy();
process.exit(0);
