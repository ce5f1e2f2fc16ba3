// writeAllSync on a real small tmpfs: where write(2) takes only part of the
// text (the file system has a little room left), the rest is tried and the
// caller hears ENOSPC instead of losing the tail without a word. Mounting
// needs root: without it the test says so and passes.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAllSync } from "./write-all.js";

let mnt: string;
let mounted = false;

beforeAll(() => {
  mnt = fs.mkdtempSync(path.join(tmpdir(), "quire-write-all-"));
  mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt]).status === 0;
  if (!mounted) console.warn("write-all tests: no tmpfs could be mounted here (needs root); not run");
});
afterAll(() => {
  if (mounted) spawnSync("umount", [mnt]);
  fs.rmSync(mnt, { recursive: true, force: true });
});

describe("writeAllSync", () => {
  it("writes what fits, then throws ENOSPC where a plain write would stop short silently", () => {
    if (!mounted) return;
    const text = "0123456789abcdef".repeat(8192); // 128 KiB, twice the room
    const plain = fs.openSync(path.join(mnt, "plain"), "a");
    const took = fs.writeSync(plain, text);
    fs.closeSync(plain);
    expect(took).toBeGreaterThan(0);
    expect(took).toBeLessThan(text.length); // the short write this guards against
    fs.rmSync(path.join(mnt, "plain"));

    const fd = fs.openSync(path.join(mnt, "all"), "a");
    let error: NodeJS.ErrnoException | undefined;
    try {
      writeAllSync(fd, text);
    } catch (e) {
      error = e as NodeJS.ErrnoException;
    } finally {
      fs.closeSync(fd);
    }
    expect(error?.code).toBe("ENOSPC");
    const kept = fs.readFileSync(path.join(mnt, "all"), "utf8");
    expect(text.startsWith(kept)).toBe(true);

    // With room, all of it goes in, multi-byte text included.
    fs.rmSync(path.join(mnt, "all"));
    const small = fs.openSync(path.join(mnt, "small"), "a");
    writeAllSync(small, "héllo ✓\n");
    fs.closeSync(small);
    expect(fs.readFileSync(path.join(mnt, "small"), "utf8")).toBe("héllo ✓\n");
  });
});
