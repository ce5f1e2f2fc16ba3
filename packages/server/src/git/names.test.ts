import { describe, expect, it } from "vitest";
import fc from "fast-check";
import path from "node:path";
import { parseRepoName, repoDir, isValidRepoName } from "./names.js";
import { RepoNameError } from "./errors.js";

describe("parseRepoName", () => {
  it.each([
    ["foo", "foo.git", null, "foo"],
    ["foo.git", "foo.git", null, "foo"],
    ["work/foo", "work/foo.git", "work", "foo"],
    ["work/foo.git", "work/foo.git", "work", "foo"],
    ["My_repo-2.0", "My_repo-2.0.git", null, "My_repo-2.0"],
    ["team/runs", "team/runs.git", "team", "runs"],
    ["runs2", "runs2.git", null, "runs2"],
  ])("accepts %j as %j", (input, name, group, base) => {
    expect(parseRepoName(input)).toEqual({ name, group, base });
  });

  it.each([
    ["", /empty/],
    ["a/b/c.git", /at most one level of grouping/],
    ["../foo", /"\.\."/],
    ["foo/../bar", /"\.\."/],
    ["a..b", /"\.\."/],
    ["-foo", /starts with "-"/],
    ["work/-foo", /starts with "-"/],
    [".foo", /starts with "\."/],
    [".git", /empty segment|starts with "\."/],
    ["/etc/passwd", /absolute path/],
    ["foo bar", /contains " "/],
    ["foo;rm", /contains ";"/],
    ["foo$(x)", /contains "\$", "\(", "\)"/],
    ["work//foo", /empty segment/],
    ["foo/", /empty segment/],
    ["x.git/foo", /ends in "\.git"/],
    ["foo.git.git", /\.git\.git/],
    ["f\u00e9e", /contains "é"/],
    ["foo\nbar", /contains "\\n"/],
    ["a".repeat(101), /longer than 100/],
    ["runs", /"runs" is reserved for a page of the web view/],
    ["runs.git", /reserved/],
  ])("refuses %j", (input, message) => {
    expect(() => parseRepoName(input)).toThrow(RepoNameError);
    expect(() => parseRepoName(input)).toThrow(message);
  });

  it("reports every broken rule at once", () => {
    try {
      parseRepoName("-a/.b/c");
      expect.unreachable();
    } catch (e) {
      expect((e as RepoNameError).problems.length).toBeGreaterThanOrEqual(3);
    }
  });

  it("never yields a directory outside the repositories root (property)", () => {
    const root = path.resolve("/srv/forge/repos");
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."ab.-_/\\:~ $`'\"\0\n".split("")), maxLength: 24 }), (input) => {
        if (!isValidRepoName(input)) return;
        const name = parseRepoName(input);
        const dir = repoDir(root, name);
        const rel = path.relative(root, dir);
        expect(rel.startsWith("..")).toBe(false);
        expect(path.isAbsolute(rel)).toBe(false);
        expect(dir.endsWith(".git")).toBe(true);
        expect(rel.split(path.sep).length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 3000 },
    );
  });
});
