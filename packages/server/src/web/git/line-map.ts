// Where a line of one version of a file sits in another: the hunks of a
// zero-context diff (`git diff -U0 OLD NEW`), and the rule that carries a
// line of NEW back to OLD (the blame ladder lands on it).

/** One `@@ -a,b +c,d @@` hunk. With a count of 0, the start is the line before the change. */
export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** The hunk headers of a unified diff, in order. */
export function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  for (const line of diff.split("\n")) {
    const m = HUNK.exec(line);
    if (m === null) continue;
    hunks.push({ oldStart: Number(m[1]), oldCount: m[2] === undefined ? 1 : Number(m[2]), newStart: Number(m[3]), newCount: m[4] === undefined ? 1 : Number(m[4]) });
  }
  return hunks;
}

/**
 * The line of OLD that corresponds to `line` of NEW (1-based), clamped to
 * OLD's `oldLines`. An unchanged line maps to itself; a changed line maps
 * to the same offset in what it replaced; an added line to the old line
 * just after the insertion.
 */
export function mapToOld(line: number, hunks: readonly Hunk[], oldLines: number): number {
  let delta = 0;
  for (const h of hunks) {
    const newEnd = h.newCount === 0 ? h.newStart : h.newStart + h.newCount - 1;
    if (line < h.newStart || (h.newCount === 0 && line === h.newStart)) break;
    if (h.newCount > 0 && line <= newEnd) {
      const mapped = h.oldCount > 0 ? h.oldStart + Math.min(line - h.newStart, h.oldCount - 1) : h.oldStart + 1;
      return clamp(mapped, oldLines);
    }
    delta += h.oldCount - h.newCount;
  }
  return clamp(line + delta, oldLines);
}

function clamp(line: number, max: number): number {
  return Math.max(1, Math.min(line, Math.max(1, max)));
}
