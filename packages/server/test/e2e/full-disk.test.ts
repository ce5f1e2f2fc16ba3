// A full disk (issue 10, item 4), on a real tmpfs for the data directory: a
// data directory that is full or read-only stops `quire serve` before it
// listens. Mounting needs root: without it the test says so and passes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gitEnv, quireBin } from "../git/git-helpers.js";
import { startServe } from "./harness.js";

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
});
