import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mapToOld, parseHunks, type Hunk } from "./line-map.js";

/** An edit script over OLD: keep, delete or insert, applied in order. */
type Op = "keep" | "del" | "ins";

/** Hunks (as `git diff -U0` writes them) and the old line of every kept new line. */
function diffOf(ops: Op[]): { hunks: Hunk[]; kept: [number, number][]; oldLines: number } {
  const hunks: Hunk[] = [];
  const kept: [number, number][] = [];
  let o = 0;
  let n = 0;
  let open: Hunk | null = null;
  for (const op of ops) {
    if (op === "keep") {
      if (open !== null) hunks.push(open), (open = null);
      o++, n++;
      kept.push([n, o]);
      continue;
    }
    // A hunk's start is its first line, or the line before it when it has none of that side.
    open ??= { oldStart: o, oldCount: 0, newStart: n, newCount: 0 };
    if (op === "del") {
      o++;
      if (open.oldCount++ === 0) open.oldStart = o;
    } else {
      n++;
      if (open.newCount++ === 0) open.newStart = n;
    }
  }
  if (open !== null) hunks.push(open);
  return { hunks, kept, oldLines: o };
}

function header(h: Hunk): string {
  const side = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
  return `@@ -${side(h.oldStart, h.oldCount)} +${side(h.newStart, h.newCount)} @@ context`;
}

describe("line map", () => {
  it("parses hunk headers, counts omitted meaning one", () => {
    const text = "diff --git a/x b/y\n--- a/x\n+++ b/y\n@@ -10 +10 @@ int main\n-a\n+b\n@@ -20,0 +21,3 @@\n+x\n@@ -30,2 +33,0 @@\n";
    expect(parseHunks(text)).toEqual([
      { oldStart: 10, oldCount: 1, newStart: 10, newCount: 1 },
      { oldStart: 20, oldCount: 0, newStart: 21, newCount: 3 },
      { oldStart: 30, oldCount: 2, newStart: 33, newCount: 0 },
    ]);
  });

  it("maps changed and added lines next to what they replaced", () => {
    // Three lines inserted at the top, line 6 of OLD rewritten (now line 9).
    const hunks = parseHunks("@@ -0,0 +1,3 @@\n@@ -6 +9 @@\n");
    expect(mapToOld(9, hunks, 10)).toBe(6);
    expect(mapToOld(2, hunks, 10)).toBe(1);
    expect(mapToOld(12, hunks, 10)).toBe(9);
    // Lines appended at the end land on the last old line.
    expect(mapToOld(12, parseHunks("@@ -10,0 +11,5 @@\n"), 10)).toBe(10);
  });

  it("carries every unchanged line to its old line, whatever the edits", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Op>("keep", "keep", "del", "ins"), { maxLength: 80 }), (ops) => {
        const { hunks, kept, oldLines } = diffOf(ops);
        const parsed = parseHunks(hunks.map(header).join("\n"));
        expect(parsed).toEqual(hunks);
        for (const [n, o] of kept) expect(mapToOld(n, parsed, oldLines)).toBe(o);
        for (let n = 1; n <= ops.length; n++) {
          const m = mapToOld(n, parsed, oldLines);
          expect(m).toBeGreaterThanOrEqual(1);
          expect(m).toBeLessThanOrEqual(Math.max(1, oldLines));
        }
      }),
    );
  });
});
