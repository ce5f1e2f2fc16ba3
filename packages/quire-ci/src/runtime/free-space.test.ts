// The free-space reserve on a real, small tmpfs (mounting needs root: without
// it the test says so and passes): a loud log stops, cut with a note, once
// the filesystem has less than the reserve free, and the room is left; the
// run's next log is cut at once; with the reserve off the same output fills
// the disk and the write fails.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseLog } from "@quire/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FreeSpace } from "./free-space.js";
import { LogFile, newLogBudget } from "./log-file.js";
import { Redactor } from "./redact.js";

const MiB = 1024 * 1024;
let mnt: string;
let mounted = false;

beforeAll(() => {
  mnt = fs.mkdtempSync(path.join(os.tmpdir(), "quire-free-space-"));
  mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt]).status === 0;
  if (!mounted) console.warn("free-space tests: no tmpfs could be mounted here (needs root); not run");
});
afterAll(() => {
  if (mounted) spawnSync("umount", [mnt]);
  fs.rmSync(mnt, { recursive: true, force: true });
});

const free = (): number => {
  const s = fs.statfsSync(mnt);
  return s.bavail * s.bsize;
};

/** 12 MiB of output in 64 KiB chunks of short lines: more than the disk holds. */
function flood(log: LogFile): void {
  const chunk = Buffer.from("x\n".repeat(32 * 1024));
  for (let i = 0; i < 12 * 16; i++) log.write("stdout", chunk);
}

describe("the free-space reserve", () => {
  it("cuts a log that would eat into the reserve, says why, and leaves the room", async () => {
    if (!mounted) return;
    const dir = fs.mkdtempSync(path.join(mnt, "run-"));
    const budget = newLogBudget({ freeSpace: 3 * MiB }, dir);
    const log = new LogFile(path.join(dir, "sh-1.log"), { redactor: new Redactor(), budget, sync: true });
    flood(log);
    const summary = await log.close();
    expect(summary.writeError).toBeUndefined();
    expect(summary.cut).toMatchObject({ cap: "disk", limitBytes: 3 * MiB });
    expect(summary.cut!.droppedBytes).toBeGreaterThan(6 * MiB);
    // Checked at most every MiB written, so the reserve is kept to within one check.
    expect(free()).toBeGreaterThan(2 * MiB);
    const lines = parseLog(fs.readFileSync(path.join(dir, "sh-1.log")));
    expect(lines.length).toBeGreaterThan(100_000);
    expect(lines.at(-2)!.text).toBe(
      `quire-ci: output cut here: the disk holding the run's logs has less than ${3 * MiB} bytes free (:log-free-space); the rest of the output is not kept`,
    );
    expect(lines.at(-1)!.text).toMatch(/^quire-ci: \d+ bytes of output were not kept after the cut$/);

    // The run's next log is cut at its first output.
    const next = new LogFile(path.join(dir, "sh-2.log"), { redactor: new Redactor(), budget, sync: true });
    next.write("stdout", Buffer.from("hello\n"));
    expect((await next.close()).cut).toMatchObject({ cap: "disk", droppedBytes: 6 });
    fs.rmSync(dir, { recursive: true });
  });

  it("with the reserve off (0), the same output fills the disk and the write fails", async () => {
    if (!mounted) return;
    const dir = fs.mkdtempSync(path.join(mnt, "run-"));
    const errors: string[] = [];
    const budget = newLogBudget({ freeSpace: 0 }, dir);
    const log = new LogFile(path.join(dir, "sh-1.log"), { redactor: new Redactor(), budget, sync: true, onWriteError: (e) => errors.push(e.code ?? "") });
    flood(log);
    const summary = await log.close();
    expect(errors).toEqual(["ENOSPC"]);
    expect(summary.cut).toBeUndefined();
    expect(free()).toBeLessThan(64 * 1024);
    fs.rmSync(dir, { recursive: true });
  });

  it("defaults to 256 MiB, or 5% of the filesystem when that is less", () => {
    if (!mounted) return;
    expect(new FreeSpace(mnt).reserveBytes).toBe(Math.floor(8 * MiB * 0.05));
    expect(new FreeSpace(mnt, 0).low()).toBe(false);
    expect(new FreeSpace(mnt, 1024 * MiB).low()).toBe(true);
  });
});
