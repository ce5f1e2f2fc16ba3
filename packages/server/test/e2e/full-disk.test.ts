// A full disk (issue 10, item 4), on a real tmpfs for the data directory: a
// data directory that is full or read-only stops `quire serve` before it
// listens, and a run whose own log filled the disk ends as a storage failure
// as soon as a little room is free again. With the free-space reserve for
// logs (:log-free-space), a loud run's log is cut instead, the database keeps
// working: the run's outcome is recorded and a following push gets its run.
// Mounting needs root: without it the test says so and passes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statfsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { commitFiles, gitAsync, gitEnv, quire, quireBin } from "../git/git-helpers.js";
import { newRepo, pipeline, pushRun, RunWatcher, startServe } from "./harness.js";

let mnt: string;
let mounted = false;
const cleanup: string[] = [];

beforeAll(async () => {
  mnt = await mkdtemp(path.join(tmpdir(), "quire-full-"));
  mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt]).status === 0;
  if (!mounted) console.warn("full-disk tests: no tmpfs could be mounted here (needs root); not run");
});
afterAll(async () => {
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
  if (mounted) spawnSync("umount", [mnt]);
  await rm(mnt, { recursive: true, force: true });
}, 60_000);

/** Bytes free on the tmpfs. */
function free(): number {
  const fs = statfsSync(mnt);
  return fs.bavail * fs.bsize;
}

/** The run queued for each of `refs`, once there is one for every ref. */
async function runsByRef(runs: RunWatcher, refs: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  await until(
    () => {
      for (const r of runs.db.sqlite.prepare("SELECT id, ref FROM runs").all() as { id: string; ref: string }[]) found.set(r.ref, r.id);
      return refs.every((ref) => found.has(ref));
    },
    60_000,
    () => `runs so far: ${[...found.keys()].join(", ")}`,
  );
  return found;
}

async function until(check: () => boolean, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms:\n${why()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function serveOnce(data: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [quireBin, "--data-dir", data, "serve", "--port", "0"], { env: gitEnv(), encoding: "utf8", timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("a full disk", () => {
  it("a full or read-only data directory stops quire serve before it listens, saying why", async () => {
    if (!mounted) return;
    const data = path.join(mnt, "data");
    await mkdir(data);
    const first = await startServe(data);
    await first.stop();
    // Full: the start is refused, and says why.
    try {
      execFileSync("sh", ["-c", `head -c 100000000 /dev/zero > ${path.join(mnt, "filler")}`], { stdio: "ignore" });
    } catch {
      // the disk is full: that is the point
    }
    const full = serveOnce(data);
    expect(full.status, full.out).not.toBe(0);
    expect(full.out).toMatch(/quire serve: cannot write the database .*quire\.db \((SQLITE_FULL|SQLITE_IOERR)[^)]*\).*not started/);
    expect(full.out).not.toMatch(/listening on/);
    // Read-only: the same.
    await rm(path.join(mnt, "filler"), { force: true });
    execFileSync("mount", ["-o", "remount,ro", mnt]);
    try {
      const ro = serveOnce(data);
      expect(ro.status, ro.out).not.toBe(0);
      expect(ro.out).toMatch(/quire serve: cannot write the database .*not started/);
      expect(ro.out).not.toMatch(/listening on/);
    } finally {
      execFileSync("mount", ["-o", "remount,rw", mnt]);
    }
  }, 240_000);

  it("runs whose own logs filled the disk end failed/storage-error once a little space is free; a queued run does not take that space first", async () => {
    if (!mounted) return;
    const data = path.join(mnt, "loud");
    await mkdir(data);
    // 4 MiB that the test frees later: all the room the disk will have then.
    const filler = path.join(mnt, "filler-4m");
    await writeFile(filler, Buffer.alloc(4 * 1024 * 1024, 1));
    const work = await newRepo(data, "loud");
    cleanup.push(work);
    // Three loud runs, two at a time: the third waits in the queue. Pushed while the server is down, so all wait in the spool.
    const loud = pipeline(`(ci.job :loud [:quire/push] (fn [{: sh}] (sh "yes x | head -c 40000000")))`);
    await commitFiles(work, { ".quire/ci.fnl": loud }, "loud");
    const refs = ["a", "b", "c"].map((b) => `refs/heads/${b}`);
    for (const ref of refs) {
      const push = await gitAsync(work, ["push", "origin", `HEAD:${ref}`]);
      expect(push.status, push.stderr).toBe(0);
    }
    // No reserve: the logs may fill the disk (what the reserve is there to prevent; see the next test).
    await writeFile(path.join(data, "config.fnl"), "{:max-concurrent-runs 2 :log-free-space 0}\n");
    const serve = await startServe(data);
    const runs = new RunWatcher(data);
    try {
      const ids = await runsByRef(runs, refs);
      const spawned = () => [...ids.values()].filter((id) => runs.get(id).spawnedAtMs !== null);
      await until(() => spawned().length === 2, 60_000, () => serve.output());
      const started = spawned();
      const queued = [...ids.values()].find((id) => !started.includes(id))!;
      // Both quire-ci met ENOSPC and exited; the server cannot record their outcomes yet.
      await until(() => serve.output().match(/run \S+: cannot record how it ended yet \(SQLITE_FULL\)/g)?.length === 2, 90_000, () => serve.output());
      expect(free()).toBeLessThan(64 * 1024);
      // While the disk stays full the server keeps trying, and says so in a line, not a stack trace per request.
      await new Promise((r) => setTimeout(r, 3000));
      expect(started.map((id) => runs.get(id).state)).toEqual(["active", "active"]);
      expect(runs.get(queued).state).toBe("pending");
      const out = serve.output();
      expect(out, out).not.toMatch(/\n\s+at /);
      const refusals = out.split("\n").filter((l) => l.includes("/api/run/events"));
      expect(refusals.length, out).toBeLessThanOrEqual(1);
      for (const l of refusals) expect(l).toMatch(/^quire: HTTP POST \/api\/run\/events: the database cannot be written \(SQLITE_FULL: .*\); answered 503/);

      // Free the 4 MiB: both end, as storage failures, before the queued run may use the room.
      await rm(filler);
      for (const id of started) {
        const { run } = await runs.settle(id, 30_000);
        expect(run.state, serve.output()).toBe("failed");
        expect(run.failureKind).toBe("storage-error");
        expect(run.error).toMatch(/quire-ci could not write the run's files \(disk full/);
      }
      // The queued run fills the disk in turn and ends the same way once room is freed again: nothing is left active.
      await until(() => runs.get(queued).spawnedAtMs !== null, 60_000, () => serve.output());
      await until(() => serve.output().match(/run \S+: cannot record how it ended yet/g)?.length === 3 || runs.get(queued).state === "failed", 60_000, () => serve.output());
      await rm(path.join(data, "runs", "loud.git", started[0]!), { recursive: true, force: true });
      const last = await runs.settle(queued, 30_000);
      expect(last.run.state, serve.output()).toBe("failed");
      expect(last.run.failureKind).toBe("storage-error");
    } finally {
      runs.close();
      await serve.stop();
      await rm(filler, { force: true });
    }
  }, 300_000);

  it("with a free-space reserve a loud run's log is cut instead: its outcome is recorded, and a push made meanwhile gets its run", async () => {
    if (!mounted) return;
    // A disk of its own, so what the tests above left on theirs does not count.
    const disk = await mkdtemp(path.join(tmpdir(), "quire-reserve-"));
    cleanup.push(disk);
    expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", disk]).status).toBe(0);
    const diskFree = () => {
      const s = statfsSync(disk);
      return s.bavail * s.bsize;
    };
    const workspaces = await mkdtemp(path.join(tmpdir(), "quire-reserve-ws-"));
    cleanup.push(workspaces);
    const data = path.join(disk, "data");
    await mkdir(data);
    const reserve = 8 * 1024 * 1024;
    const serve = await startServe(data, `{:max-concurrent-runs 2 :log-free-space ${reserve} :workspaces "${workspaces}"}\n`);
    const runs = new RunWatcher(data);
    try {
      const work = await newRepo(data, "loud");
      cleanup.push(work);
      // 40 MB of output on a 24 MiB disk, then it waits (in its workspace) for the test.
      const loud = pipeline(`(ci.job :loud [:quire/push] (fn [{: sh}] (sh "yes x | head -c 40000000; while [ ! -e go ]; do sleep 0.1; done")))`);
      const { id: loudId } = await pushRun(work, { ".quire/ci.fnl": loud }, "loud", "loud");
      const log = path.join(data, "runs", "loud.git", loudId, "jobs", "loud", "sh-1.log");
      await until(() => existsSync(log) && readFileSync(log, "latin1").includes("(:log-free-space)"), 60_000, () => serve.output());
      // The log stopped short of the reserve (checked at most every MiB written), and the run goes on.
      expect(diskFree()).toBeGreaterThan(reserve - 2 * 1024 * 1024);
      expect(runs.get(loudId).state).toBe("active");

      // A push now gets its run, recorded to its end; its own log is cut too while the disk stays low.
      const quiet = pipeline(`(ci.job :quiet [:quire/push] (fn [{: sh}] (sh "echo quiet")))`);
      const { id: quietId } = await pushRun(work, { ".quire/ci.fnl": quiet }, "quiet", "quiet");
      const settled = await runs.settle(quietId, 60_000);
      expect(settled.run.state, `${settled.run.error}\n${serve.output()}`).toBe("complete");
      expect(runs.sh(quietId)[0]).toMatchObject({ exitCode: 0, logCut: "disk" });

      // The loud run ends as its command says, with its cut recorded.
      await writeFile(path.join(workspaces, loudId, "go"), "");
      const { run } = await runs.settle(loudId, 60_000);
      expect(run.state, `${run.error}\n${serve.output()}`).toBe("complete");
      const sh = runs.sh(loudId)[0]!;
      expect(sh).toMatchObject({ exitCode: 0, logCut: "disk" });
      expect(sh.logDroppedBytes).toBeGreaterThan(20_000_000);
      const text = quire(data, ["ci", "show", loudId]).stdout;
      expect(text).toMatch(/log cut for want of free space on the disk \(:log-free-space\); \d+ bytes of output not kept/);
      expect(serve.output()).not.toMatch(/SQLITE_FULL|cannot record/);
    } finally {
      runs.close();
      await serve.stop();
      spawnSync("umount", [disk]);
    }
  }, 240_000);
});
