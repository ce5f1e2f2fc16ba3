// The chaos harness (issue 10): N rounds of random faults against a real
// `quire serve`, real quire-ci runs and real git pushes through the hook, on
// one data directory. Each round picks a fault:
//   server-kill  push, then kill -9 the server at a random point, restart it;
//   ci-kill      push, then kill -9 a run's quire-ci at a random point;
//   down         kill -9 the server, push once or twice while it is down, start it;
//   locked       another process holds quire.db's write lock while we push;
//   full         the data directory's filesystem (a small tmpfs, where one can be
//                mounted) fills up while a run writes its log.
// After every round, once the server is up again, it checks:
//   lost    a push whose sha has no run (every pushed tree has a pipeline);
//   stuck   a run still pending or active when the round's time is up;
//   leaked  a process a run started still alive after every run is terminal;
//   integrity  PRAGMA integrity_check of quire.db.
// Used by bench/chaos-bench.mjs (N=100) and the vitest suite (small N).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const serverDir = path.join(root, "packages", "server");
const quireBin = path.join(serverDir, "dist", "bin", "quire.js");
const Database = createRequire(path.join(serverDir, "package.json"))("better-sqlite3");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A small seeded generator, so a failing round can be replayed with its seed. */
function random(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function gitEnv() {
  return {
    ...process.env,
    GIT_AUTHOR_NAME: "chaos",
    GIT_AUTHOR_EMAIL: "chaos@example.org",
    GIT_COMMITTER_NAME: "chaos",
    GIT_COMMITTER_EMAIL: "chaos@example.org",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
  };
}

function git(cwd, args) {
  return execFileSync("git", args, { cwd, env: gitEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Try to put `dir` on a tmpfs of `bytes`; true when mounted. */
function mountTmpfs(dir, bytes) {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Every live process whose command line holds `marker`. */
function processesWith(marker) {
  const found = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (cmd.includes(marker) && !/\) Z /.test(stat)) found.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function children(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

function descendants(pid) {
  const out = [];
  for (const child of children(pid)) out.push(child, ...descendants(child));
  return out;
}

function send(socket, request, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const s = net.createConnection(socket);
    let out = "";
    const timer = setTimeout(() => (s.destroy(), resolve(undefined)), timeoutMs);
    s.on("connect", () => s.end(JSON.stringify(request) + "\n"));
    s.on("data", (d) => (out += d));
    s.on("close", () => (clearTimeout(timer), resolve(out)));
    s.on("error", () => (clearTimeout(timer), resolve(undefined)));
  });
}

/** Another process holding quire.db's write lock until release(). */
async function lockDatabase(dbFile) {
  const script = `const D = require("better-sqlite3"); const db = new D(process.argv[1]); db.exec("BEGIN EXCLUSIVE");
    process.stdout.write("locked\\n"); process.stdin.on("end", () => { db.exec("COMMIT"); db.close(); process.exit(0); }); process.stdin.resume();`;
  const child = spawn(process.execPath, ["-e", script, dbFile], { cwd: serverDir, stdio: ["pipe", "pipe", "ignore"] });
  const locked = await new Promise((resolve) => {
    child.stdout.on("data", (d) => d.toString().includes("locked") && resolve(true));
    child.once("exit", () => resolve(false));
  });
  return {
    locked,
    release: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}

/**
 * Run `rounds` rounds of faults. Resolves to the counts and one line per
 * round; `log` hears each line as it comes.
 */
export async function runChaos({ rounds, seed = Date.now() % 2 ** 31, log = () => {}, roundTimeoutMs = 60_000, schedule }) {
  const rand = random(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const base = mkdtempSync(path.join(tmpdir(), "quire-chaos-"));
  const data = path.join(base, "data");
  mkdirSync(data);
  const tmpfs = process.getuid?.() === 0 && mountTmpfs(data, 96 * 1024 * 1024);
  const work = path.join(base, "work");
  const totals = { rounds: 0, pushes: 0, lost: 0, stuck: 0, leaked: 0, integrity: 0, faults: {}, seed, fullDisk: tmpfs ? "tmpfs" : "skipped: no tmpfs could be mounted" };
  let serve;
  let serveOut = "";

  const startServe = async () => {
    serveOut = "";
    const proc = spawn(process.execPath, [quireBin, "--data-dir", data, "serve", "--port", "0"], { env: gitEnv(), stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout.on("data", (d) => (serveOut += d));
    proc.stderr.on("data", (d) => (serveOut += d));
    const started = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 60_000);
      proc.stdout.on("data", () => /listening on/.test(serveOut) && (clearTimeout(timer), resolve(true)));
      proc.once("exit", () => (clearTimeout(timer), resolve(false)));
    });
    if (!started) {
      proc.kill("SIGKILL");
      throw new Error(`quire serve did not start:\n${serveOut}`);
    }
    serve = proc;
  };
  const killServe = async () => {
    if (serve === undefined) return;
    const proc = serve;
    serve = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGKILL");
    await gone;
  };

  // What was pushed: sha → marker; the pipeline's commands carry the marker in their command lines.
  const pushed = new Map();
  let n = 0;
  const commitAndPush = async (script) => {
    const id = `chaos-${seed}-${++n}`;
    const branch = pick(["main", "b1", "b2"]);
    const fnl = `(local ci (require :quire.ci))\n(ci.job :work [:quire/push] (fn [{: sh}] (sh ${JSON.stringify(script(id))})))\n`;
    mkdirSync(path.join(work, ".quire"), { recursive: true });
    writeFileSync(path.join(work, ".quire", "ci.fnl"), fnl);
    git(work, ["add", "-A"]);
    git(work, ["commit", "-q", "-m", id]);
    const sha = git(work, ["rev-parse", "HEAD"]).trim();
    pushed.set(sha, id);
    totals.pushes++;
    const proc = spawn("git", ["push", "-q", "-f", "origin", `HEAD:refs/heads/${branch}`], { cwd: work, env: gitEnv(), stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    proc.stderr.on("data", (d) => (err += d));
    const done = new Promise((resolve) => proc.once("exit", (code) => resolve({ code, err })));
    return { sha, id, done };
  };
  // A command that runs a while, leaves a background process behind, and names the push.
  const ordinary = (id) => `echo ${id}; sleep 0.${Math.floor(rand() * 9) + 1}; (sleep 47; echo ${id}) & sleep 0.3; echo done ${id}`;
  const loud = (id) => `echo ${id}; sleep 0.5; head -c 4000000 /dev/zero | tr '\\0' x; echo done ${id}`;

  const db = () => new Database(path.join(data, "quire.db"), { readonly: true, fileMustExist: true });
  const runOf = (handle, sha) => handle.prepare("SELECT id, state, pid FROM runs WHERE sha = ? ORDER BY queued_at_ms DESC LIMIT 1").get(sha);

  try {
    execFileSync(process.execPath, [quireBin, "--data-dir", data, "repo", "new", "chaos"], { env: gitEnv(), stdio: "ignore" });
    git(base, ["clone", "-q", path.join(data, "repos", "chaos.git"), "work"]);
    writeFileSync(path.join(data, "config.fnl"), "{:max-concurrent-runs 3 :sh-log-cap 100000000 :run-log-cap 200000000}\n");
    await startServe();

    const faults = ["server-kill", "ci-kill", "down", "locked", ...(tmpfs ? ["full"] : [])];
    for (let round = 1; round <= rounds; round++) {
      // A schedule names the faults in turn (the test suite runs each once); else they are drawn.
      const fault = schedule === undefined ? pick(faults) : schedule[(round - 1) % schedule.length];
      if (!faults.includes(fault)) {
        log(`round ${round} ${fault}: skipped (${totals.fullDisk})`);
        continue;
      }
      totals.faults[fault] = (totals.faults[fault] ?? 0) + 1;
      const notes = [];
      if (serve === undefined) await startServe();
      if (fault === "server-kill") {
        const p = await commitAndPush(ordinary);
        await sleep(rand() * 2500);
        await killServe();
        await p.done;
        await startServe();
      } else if (fault === "ci-kill") {
        const p = await commitAndPush(ordinary);
        await p.done;
        const deadline = Date.now() + 15_000;
        let victim;
        while (Date.now() < deadline && victim === undefined) {
          const h = db();
          const r = runOf(h, p.sha);
          h.close();
          if (r?.pid) victim = descendants(r.pid).find((pid) => cmdline(pid).includes("quire-ci")) ?? r.pid;
          else await sleep(50);
        }
        await sleep(rand() * 800);
        if (victim !== undefined) {
          try {
            process.kill(victim, "SIGKILL");
          } catch {
            notes.push("quire-ci had already ended");
          }
        } else notes.push("no quire-ci to kill in time");
      } else if (fault === "down") {
        await killServe();
        const count = 1 + Math.floor(rand() * 2);
        for (let i = 0; i < count; i++) await (await commitAndPush(ordinary)).done;
        await startServe();
      } else if (fault === "locked") {
        const lock = await lockDatabase(path.join(data, "quire.db"));
        const p = await commitAndPush(ordinary);
        await sleep(rand() * 6000);
        await lock.release();
        await p.done;
      } else if (fault === "full") {
        const p = await commitAndPush(loud);
        await p.done;
        // Fill what is left but a little, while the run starts writing its log.
        const fs = statfsSync(data);
        const free = fs.bavail * fs.bsize;
        const filler = path.join(data, "filler");
        try {
          writeFileSync(filler, Buffer.alloc(Math.max(0, free - 256 * 1024)));
        } catch {
          notes.push("the filler took the disk to its last byte");
        }
        await sleep(3000 + rand() * 3000);
        rmSync(filler, { force: true });
      }

      // Settle: the server is up; every push has a run; every run ends.
      if (serve === undefined) await startServe();
      const deadline = Date.now() + roundTimeoutMs;
      let missing = [];
      let open = [];
      for (;;) {
        await send(path.join(data, "server.sock"), { type: "drain" });
        const h = db();
        missing = [...pushed.keys()].filter((sha) => runOf(h, sha) === undefined);
        open = h.prepare("SELECT id, state FROM runs WHERE state IN ('pending', 'active')").all();
        h.close();
        if ((missing.length === 0 && open.length === 0) || Date.now() > deadline) break;
        await sleep(500);
      }
      // Processes of terminal runs: every push's marker, once its run is terminal (a moment for kills to land).
      await sleep(open.length === 0 ? 300 : 0);
      const h = db();
      const terminal = [...pushed].filter(([sha]) => {
        const r = runOf(h, sha);
        return r !== undefined && !["pending", "active"].includes(r.state);
      });
      const leaked = terminal.flatMap(([, id]) => processesWith(`${id}`));
      const last = h.prepare("SELECT state, failure_kind FROM runs ORDER BY queued_at_ms DESC LIMIT 1").get();
      if (last !== undefined) notes.push(`last run ${last.state}${last.failure_kind ? `/${last.failure_kind}` : ""}`);
      const integrity = h.pragma("integrity_check", { simple: true });
      h.close();
      totals.rounds++;
      totals.lost += missing.length;
      totals.stuck += open.length;
      totals.leaked += leaked.length;
      if (integrity !== "ok") totals.integrity++;
      log(
        `round ${round} ${fault}: pushes ${totals.pushes}, lost ${missing.length}, stuck ${open.length}, leaked ${leaked.length}, integrity ${integrity}` +
          (notes.length > 0 ? ` (${notes.join("; ")})` : ""),
      );
      for (const pid of leaked) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      // What a round pushed is checked once, then forgotten.
      pushed.clear();
    }
  } finally {
    await killServe().catch(() => {});
    // The last runs' processes go with their namespaces; give them a moment before unmounting.
    await sleep(500);
    if (tmpfs) {
      for (let i = 0; i < 10; i++) {
        try {
          execFileSync("umount", [data], { stdio: "ignore" });
          break;
        } catch {
          await sleep(500);
        }
      }
    }
    rmSync(base, { recursive: true, force: true });
  }
  return totals;
}
