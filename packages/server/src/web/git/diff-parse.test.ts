// parseDiffTree against real `git diff-tree` output: renames, a type change
// (two patch blocks), binary files, a mode change, names with newlines and
// bytes that are not UTF-8, and output cut anywhere (never a throw, never a
// wrong file).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseDiffTree } from "./diff-parse.js";
import { DIFF_TREE_ARGS } from "./diff-tree.js";

let dir: string;
let out: Buffer;
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.invalid" };
const git = (args: string[], input?: Buffer | string) => execFileSync("git", args, { cwd: dir, env, input });
const latin1 = Buffer.from([0x6e, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "n\xe9.txt"

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "quire-diff-parse-"));
  git(["init", "-q"]);
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n") + "\n";
  writeFileSync(path.join(dir, "moved.txt"), lines);
  writeFileSync(path.join(dir, "link"), "target\n");
  writeFileSync(path.join(dir, "bin.dat"), Buffer.from([0, 1, 2, 3]));
  writeFileSync(path.join(dir, "run.sh"), "echo hi\n");
  writeFileSync(path.join(dir, "gone.txt"), "bye\n");
  git(["add", "-A"]);
  git(["commit", "-qm", "one"]);
  git(["mv", "moved.txt", "renamed.txt"]);
  writeFileSync(path.join(dir, "renamed.txt"), lines.replace("line 3\n", "line three\n"));
  unlinkSync(path.join(dir, "link"));
  symlinkSync("renamed.txt", path.join(dir, "link"));
  writeFileSync(path.join(dir, "bin.dat"), Buffer.from([0, 9, 9, 9]));
  chmodSync(path.join(dir, "run.sh"), 0o755);
  unlinkSync(path.join(dir, "gone.txt"));
  writeFileSync(path.join(dir, "new\nline.txt"), "a name with a newline\n");
  git(["add", "-A"]);
  const blob = git(["hash-object", "-w", "--stdin"], "latin-1 name\n").toString().trim();
  git(["update-index", "--index-info"], Buffer.concat([Buffer.from(`100644 ${blob}\t`), latin1, Buffer.from("\n")]));
  git(["commit", "-qm", "two"]);
  out = git(["diff-tree", ...DIFF_TREE_ARGS, "HEAD"]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseDiffTree", () => {
  it("reads every kind of change with exact path bytes and counts", () => {
    const files = parseDiffTree(out, false);
    const byName = new Map(files.map((f) => [f.newPath.toString("latin1"), f]));
    expect(files.map((f) => f.status).sort()).toEqual(["A", "A", "D", "M", "M", "R", "T"]);
    const renamed = byName.get("renamed.txt")!;
    expect(renamed.oldPath.toString()).toBe("moved.txt");
    expect(renamed.score).toBeGreaterThan(90);
    expect([renamed.added, renamed.deleted]).toEqual([1, 1]);
    expect(renamed.blocks![0]!.hunks[0]!.lines).toContain("+line three");
    const link = byName.get("link")!;
    expect(link.status).toBe("T");
    // A type change is two patch blocks: the old file deleted, the link created.
    expect(link.blocks!.length).toBe(2);
    expect(link.blocks![1]!.hunks[0]!.lines).toEqual(["+renamed.txt", "\\ No newline at end of file"]);
    const bin = byName.get("bin.dat")!;
    expect([bin.added, bin.deleted, bin.blocks![0]!.binary]).toEqual([null, null, true]);
    expect(byName.get("run.sh")!.newMode).toBe("100755");
    expect(byName.get("run.sh")!.blocks![0]!.hunks).toEqual([]);
    expect(byName.get("gone.txt")!.status).toBe("D");
    expect(byName.get("new\nline.txt")!.added).toBe(1);
    expect(files.some((f) => f.newPath.equals(latin1))).toBe(true);
  });

  it("never throws on output cut anywhere, and what it keeps agrees with the whole", () => {
    const whole = parseDiffTree(out, false);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: out.length }), (cut) => {
        const part = parseDiffTree(out.subarray(0, cut), true);
        expect(part.length).toBeLessThanOrEqual(whole.length);
        part.forEach((f, i) => {
          expect(f.newPath.equals(whole[i]!.newPath)).toBe(true);
          expect(f.status).toBe(whole[i]!.status);
        });
      }),
      { numRuns: 300 },
    );
  });
});
