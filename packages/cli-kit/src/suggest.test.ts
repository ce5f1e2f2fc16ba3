import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { editDistance, nearest } from "./suggest.js";

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and adjacent swaps as one edit each", () => {
    expect(editDistance("runs", "runs")).toBe(0);
    expect(editDistance("rusn", "runs")).toBe(1);
    expect(editDistance("run", "runs")).toBe(1);
    expect(editDistance("rums", "runs")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("is symmetric and zero only for equal strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe("nearest", () => {
  it("suggests a likely typo and nothing for an unrelated word", () => {
    expect(nearest("--jsn", ["--json", "--limit"])).toBe("--json");
    expect(nearest("--js", ["--json", "--limit"])).toBe("--json");
    expect(nearest("sevre", ["serve", "repo", "ci"])).toBe("serve");
    expect(nearest("deploy", ["serve", "repo", "ci"])).toBeUndefined();
    expect(nearest("x", [])).toBeUndefined();
  });
});
