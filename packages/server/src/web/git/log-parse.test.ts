// parseFollowLog against real `git log --follow --name-status -z` output
// (renames through names with newlines and bytes that are not UTF-8), and
// output cut anywhere: never a throw, and only whole records kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FOLLOW_FORMAT, parseFollowLog, parseLogLine, LOG_FORMAT } from "./log-parse.js";

let dir: string;
let out: Buffer;
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "Ann Author", GIT_AUTHOR_EMAIL: "a@example.invalid", GIT_COMMITTER_NAME: "C", GIT_COMMITTER_EMAIL: "c@example.invalid" };
const git = (args: string[]) => execFileSync("git", args, { cwd: dir, env });
const odd = Buffer.from("w\xe9ird\nname.txt", "latin1");

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "quire-log-parse-"));
  git(["init", "-q"]);
  const body = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n") + "\n";
  writeFileSync(path.join(dir, "a.txt"), body);
  git(["add", "-A"]);
  git(["commit", "-qm", "first\n\nbody"]);
  writeFileSync(path.join(dir, "a.txt"), body + "more\n");
  git(["commit", "-qam", "second"]);
  // The odd name as raw bytes (printf writes them; the file system keeps them).
  execFileSync("sh", ["-c", 'mv a.txt "$(printf "w\\351ird\\nname.txt")"'], { cwd: dir });
  git(["add", "-A"]);
  git(["commit", "-qm", "rename to an odd name"]);
  execFileSync("sh", ["-c", 'git mv "$(printf "w\\351ird\\nname.txt")" b.txt'], { cwd: dir, env });
  git(["commit", "-qm", "rename to b.txt"]);
  out = git(["log", "--follow", "--name-status", "-z", `--format=${FOLLOW_FORMAT}`, "HEAD", "--", "b.txt"]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseFollowLog", () => {
  it("reads each commit with the file's path then, and the renames newest first", () => {
    const { entries, renames } = parseFollowLog(out, { complete: true });
    expect(entries.map((e) => e.subject)).toEqual(["rename to b.txt", "rename to an odd name", "second", "first"]);
    expect(entries[0]!.author).toBe("Ann Author");
    expect(entries[1]!.path!.equals(odd)).toBe(true);
    expect(entries[3]!.status).toBe("A");
    expect(renames.map((r) => [r.from.toString("latin1"), r.to.toString("latin1")])).toEqual([
      [odd.toString("latin1"), "b.txt"],
      ["a.txt", odd.toString("latin1")],
    ]);
    expect(renames[0]!.parent).toBe(entries[1]!.oid);
  });

  it("keeps only whole records of output cut anywhere", () => {
    const whole = parseFollowLog(out, { complete: true });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: out.length }), (cut) => {
        const part = parseFollowLog(out.subarray(0, cut), { complete: false });
        part.entries.forEach((e, i) => {
          expect(e.oid).toBe(whole.entries[i]!.oid);
          expect(e.path!.equals(whole.entries[i]!.path!)).toBe(true);
        });
        expect(part.renames.length).toBeLessThanOrEqual(whole.renames.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseLogLine", () => {
  it("reads a line of LOG_FORMAT, a root commit's empty parents included", () => {
    const line = git(["log", "-n1", `--format=${LOG_FORMAT}`, "HEAD~3"]).toString().trimEnd();
    const e = parseLogLine(line);
    expect(e.parents).toEqual([]);
    expect(e.subject).toBe("first");
    expect(e.email).toBe("a@example.invalid");
  });
});
