// Pushes are never lost (issue 10, items 2 and 3), end to end: a real
// `quire serve`, real git pushes through the post-receive hook, and a second
// process holding quire.db locked. A push the server could not queue, or did
// not confirm, is spooled by the hook and queued later; the push id makes a
// push sent twice start its runs once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readdir, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { waitFor } from "../helpers.js";
import { commitFiles, git, gitAsync, gitResult, serverRoot, tempDir } from "../git/git-helpers.js";
import { spoolDir } from "../../src/push/spool.js";
import { newRepo, pipeline, RunWatcher, startServe, type Serve } from "./harness.js";

let data: string;
let work: string;
let serve: Serve | undefined;
let runs: RunWatcher;

const PIPELINE = pipeline(`(ci.job :ok [:quire/push] (fn [{: sh}] (sh "true")))`);

beforeAll(async () => {
  data = await tempDir("quire-push-faults-");
  work = await newRepo(data, "app");
  runs = new RunWatcher(data);
});
afterAll(async () => {
  runs?.close();
  // How the server stops is not under test here; its runs are all over.
  serve?.proc.kill("SIGKILL");
  await serve?.stop();
  await rm(data, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
}, 120_000);

/** Another process holding quire.db's write lock until `release()`. */
async function lockDatabase(): Promise<{ release(): Promise<void> }> {
  const script = `const D = require("better-sqlite3"); const db = new D(process.argv[1]); db.exec("BEGIN EXCLUSIVE");
    process.stdout.write("locked\\n"); process.stdin.on("end", () => { db.exec("COMMIT"); db.close(); process.exit(0); }); process.stdin.resume();`;
  const child: ChildProcess = spawn(process.execPath, ["-e", script, path.join(data, "quire.db")], { cwd: serverRoot, stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
    child.once("exit", (code) => reject(new Error(`the lock holder exited ${code}`)));
  });
  return {
    release: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin!.end();
      }),
  };
}

/** Runs recorded for `sha`. */
function runsOf(sha: string): { id: string; ref: string; state: string }[] {
  return runs.db.sqlite.prepare("SELECT id, ref, state FROM runs WHERE sha = ? ORDER BY queued_at_ms").all(sha) as { id: string; ref: string; state: string }[];
}

function send(line: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(path.join(data, "server.sock"));
    let out = "";
    s.on("connect", () => s.end(line + "\n"));
    s.on("data", (d) => (out += d));
    s.on("close", () => resolve(JSON.parse(out) as Record<string, unknown>));
    s.on("error", reject);
  });
}

describe("pushes are not lost", () => {
  it("a push refused while the database is locked is spooled, kept while it still cannot be queued, and then runs", async () => {
    serve = await startServe(data, "{:max-concurrent-runs 2}");
    const lock = await lockDatabase();
    const sha = await commitFiles(work, { ".quire/ci.fnl": PIPELINE }, "while locked");
    const push = await gitAsync(work, ["push", "origin", "HEAD:refs/heads/main"]);
    expect(push.status).toBe(0);
    expect(push.stderr).toMatch(/quire: warning: the server could not queue this push: .*database is locked/);
    expect(push.stderr).toMatch(/your push landed and is kept/);
    expect(git(path.join(data, "repos", "app.git"), ["rev-parse", "main"]).trim()).toBe(sha);
    expect((await readdir(spoolDir(data))).filter((n) => n.endsWith(".json"))).toHaveLength(1);
    // The server's next look at the spool still cannot write: the push stays spooled.
    await waitFor(() => /push spool: .* \(app\.git\) could not be queued: .*; kept for the next try/.test(serve!.output()), "the drain to keep the push", 30_000);
    expect((await readdir(spoolDir(data))).filter((n) => n.endsWith(".json"))).toHaveLength(1);
    expect(runsOf(sha)).toEqual([]);
    await lock.release();
    // The server would look again within 10 s; asking it now is what the hook does for a long push.
    expect(await send('{"type":"drain"}')).toEqual({ ok: true, message: "the server is queuing it now" });
    const [run] = await waitFor(() => runsOf(sha).length > 0 && runsOf(sha), "the spooled push's run", 30_000);
    expect((await runs.settle(run!.id, 30_000)).run.state).toBe("complete");
    expect((await readdir(spoolDir(data))).filter((n) => n.endsWith(".json"))).toEqual([]);
    expect(runsOf(sha)).toHaveLength(1);
  }, 90_000);

  it("killing the server while hooks wait for it loses no push", async () => {
    serve ??= await startServe(data);
    const lock = await lockDatabase();
    const shas: string[] = [];
    const pushes: Promise<{ status: number | null; stderr: string }>[] = [];
    try {
      for (const branch of ["one", "two"]) {
        git(work, ["checkout", "-q", "-B", branch, "main"]);
        const sha = await commitFiles(work, { [`${branch}.txt`]: branch }, branch);
        shas.push(sha);
        // By sha: the next checkout may move HEAD before this push reads it.
        pushes.push(gitAsync(work, ["push", "origin", `${sha}:refs/heads/${branch}`]));
      }
      // Both refs moved: the hooks run and wait on a server stuck behind the lock.
      await waitFor(
        () => ["one", "two"].every((b, i) => gitResult(path.join(data, "repos", "app.git"), ["rev-parse", "--verify", "-q", b]).stdout.trim() === shas[i]),
        "both refs to move",
        60_000,
      ).catch(async (e: unknown) => {
        const settled = await Promise.race([Promise.all(pushes), new Promise((r) => setTimeout(() => r("still running"), 100))]);
        throw new Error(`${String(e)}: shas ${shas.join(" ")}; refs ${gitResult(path.join(data, "repos", "app.git"), ["show-ref"]).stdout}; pushes ${JSON.stringify(settled)}`);
      });
      await new Promise((r) => setTimeout(r, 500));
      serve!.proc.kill("SIGKILL");
      await serve!.stop();
      serve = undefined;
      for (const p of pushes) {
        const r = await p;
        expect(r.status).toBe(0);
        expect(r.stderr).toMatch(/your push landed and is kept/);
      }
    } finally {
      await lock.release();
    }
    serve = await startServe(data);
    for (const [i, sha] of shas.entries()) {
      const [run] = await waitFor(() => runsOf(sha).length > 0 && runsOf(sha), `the run of push ${i + 1}`, 30_000);
      expect(run!.ref).toBe(`refs/heads/${["one", "two"][i]}`);
      await runs.settle(run!.id, 30_000);
    }
  }, 150_000);

  it("a push sent twice (its reply lost, then spooled) starts its runs once", async () => {
    serve ??= await startServe(data);
    git(work, ["checkout", "-q", "-B", "twice", "main"]);
    const before = git(work, ["rev-parse", "HEAD"]).trim();
    const sha = await commitFiles(work, { "twice.txt": "x" }, "twice");
    // The ref moves without the hook (no-verify is not for receive hooks, so push to a bare copy's ref directly).
    git(path.join(data, "repos", "app.git"), ["fetch", "-q", work, `HEAD:refs/heads/twice`]);
    const event = {
      type: "push",
      push_id: "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
      repo: "app.git",
      pushed_at_ms: Date.now(),
      refs: [{ ref: "refs/heads/twice", old_sha: "0".repeat(40), new_sha: sha }],
    };
    const first = await send(JSON.stringify(event));
    expect(first).toMatchObject({ ok: true, runs: [{ ref: "refs/heads/twice", sha }] });
    const again = await send(JSON.stringify(event));
    expect(again).toMatchObject({ ok: true, repeated: true, runs: first.runs });
    expect(serve.output()).toMatch(/push id 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 was already handled/);
    // The copy the hook spooled when it saw no answer is recognised too.
    await writeFile(path.join(spoolDir(data), `${String(Date.now()).padStart(15, "0")}-1-dup.json`), JSON.stringify(event) + "\n");
    expect(await send('{"type":"drain"}')).toEqual({ ok: true, message: "the server is queuing it now" });
    await waitFor(() => /push app\.git \(spooled\): already handled, run \S+ for refs\/heads\/twice/.test(serve!.output()), "the drain", 20_000);
    expect(runsOf(sha)).toHaveLength(1);
    expect(before).not.toBe(sha);
  });

  it("a push whose event is over the 1 MiB request limit goes through the spool and is queued at once", async () => {
    serve ??= await startServe(data);
    // A commit without a pipeline for most refs (nothing to run), and one ref at a commit with one.
    git(work, ["checkout", "-q", "--orphan", "piped"]);
    git(work, ["rm", "-rqf", "--ignore-unmatch", "."]);
    const main = await commitFiles(work, { ".quire/ci.fnl": PIPELINE }, "piped");
    git(work, ["checkout", "-q", "--orphan", "plain"]);
    git(work, ["rm", "-rqf", "."]);
    const plain = await commitFiles(work, { "plain.txt": "no pipeline" }, "plain");
    const long = ["a", "b", "c", "d"].map((c) => c.repeat(240)).join("/");
    const lines = Array.from({ length: 1100 }, (_, i) => `create refs/heads/big/${long}/${i} ${plain}`);
    lines.push(`create refs/heads/big/with-pipeline ${main}`);
    execFileSync("git", ["update-ref", "--stdin"], { cwd: work, input: lines.join("\n") + "\n" });
    const push = await gitAsync(work, ["push", "origin", "refs/heads/big/*:refs/heads/big/*"]);
    expect(push.status, push.stderr).toBe(0);
    expect(push.stderr).toMatch(/quire: this push of 1101 refs was handed over through the spool \(the server is queuing it now\)/);
    const runsOfMain = await waitFor(() => {
      const rows = runs.db.sqlite.prepare("SELECT id, state FROM runs WHERE ref = 'refs/heads/big/with-pipeline'").all() as { id: string }[];
      return rows.length > 0 && rows;
    }, "the run of the long push", 90_000);
    expect(runsOfMain).toHaveLength(1);
    await runs.settle(runsOfMain[0]!.id, 30_000);
    expect(runsOf(plain)).toEqual([]);
    expect((await readdir(spoolDir(data))).filter((n) => n.endsWith(".json"))).toEqual([]);
  }, 120_000);
});
