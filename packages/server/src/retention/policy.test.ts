import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RUN_STATES, isTerminalRunState, type RunState } from "@quire/shared";
import { runsToPrune, type RetentionCandidate } from "./policy.js";

const DAY = 86_400_000;
const NOW = 1000 * DAY;
let n = 0;
function run(ref: string, daysAgo: number, state: RunState = "complete", repo = "app.git"): RetentionCandidate {
  const t = NOW - daysAgo * DAY;
  return { id: `r${++n}`, repo, ref, state, queuedAtMs: t - 1000, finishedAtMs: isTerminalRunState(state) ? t : null };
}
const ids = (d: { run: RetentionCandidate }[]) => d.map((x) => x.run.id).sort();
const policy = (keepRunsPerRef: number, keepDays: number) => () => ({ keepRunsPerRef, keepDays });

describe("runsToPrune", () => {
  it("keeps the newest N of each ref and prunes the rest", () => {
    const main = [run("refs/heads/main", 5), run("refs/heads/main", 4), run("refs/heads/main", 3), run("refs/heads/main", 2)];
    const dev = [run("refs/heads/dev", 5), run("refs/heads/dev", 1)];
    const out = runsToPrune([...main, ...dev], policy(2, 90), NOW);
    expect(ids(out)).toEqual(ids([{ run: main[0]! }, { run: main[1]! }]));
    expect(out[0]!.reason).toMatch(/older than the newest 2 finished runs of refs\/heads\/main/);
  });

  it("prunes by age, but never the newest finished run of a ref, however old", () => {
    const old = [run("refs/heads/main", 200), run("refs/heads/main", 100)];
    const out = runsToPrune(old, policy(50, 90), NOW);
    expect(ids(out)).toEqual([old[0]!.id]);
    expect(out[0]!.reason).toBe("finished 200 days ago (keep-days 90)");
    // keep-days 0: only the newest of each ref stays.
    expect(ids(runsToPrune([run("refs/heads/x", 2), run("refs/heads/x", 1)], policy(50, 0), NOW))).toHaveLength(1);
  });

  it("is exact at the edges: N-th kept, N+1-th pruned; keep-days boundary kept", () => {
    const rs = Array.from({ length: 4 }, (_, i) => run("refs/heads/e", 4 - i));
    expect(ids(runsToPrune(rs, policy(3, 90), NOW))).toEqual([rs[0]!.id]);
    const atCutoff = run("refs/heads/c", 30);
    const beyond = { ...run("refs/heads/c", 30), finishedAtMs: NOW - 30 * DAY - 1 };
    const newest = run("refs/heads/c", 1);
    expect(ids(runsToPrune([beyond, atCutoff, newest], policy(50, 30), NOW))).toEqual([beyond.id]);
  });

  it("never touches pending or active runs, and does not count them", () => {
    const rs = [run("refs/heads/m", 10), run("refs/heads/m", 9, "pending"), run("refs/heads/m", 8, "active")];
    expect(runsToPrune(rs, policy(1, 0), NOW)).toEqual([]);
  });

  it("applies each repo's own policy", () => {
    const a = [run("refs/heads/main", 3, "complete", "a.git"), run("refs/heads/main", 2, "complete", "a.git")];
    const b = [run("refs/heads/main", 3, "complete", "b.git"), run("refs/heads/main", 2, "complete", "b.git")];
    const out = runsToPrune([...a, ...b], (repo) => (repo === "a.git" ? { keepRunsPerRef: 1, keepDays: 90 } : { keepRunsPerRef: 5, keepDays: 90 }), NOW);
    expect(ids(out)).toEqual([a[0]!.id]);
  });

  it("holds its promises for any history (property)", () => {
    const arb = fc.array(
      fc.record({
        ref: fc.constantFrom("refs/heads/a", "refs/heads/b", "refs/tags/v1"),
        daysAgo: fc.integer({ min: 0, max: 400 }),
        state: fc.constantFrom(...RUN_STATES),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 200 }), (spec, keep, days) => {
        const rs = spec.map((s) => run(s.ref, s.daysAgo, s.state));
        const pruned = new Set(runsToPrune(rs, policy(keep, days), NOW).map((d) => d.run.id));
        for (const ref of new Set(rs.map((r) => r.ref))) {
          // Newest first; of two queued at once, the later in the list is the newer.
          const finished = rs
            .map((r, i) => ({ r, i }))
            .filter(({ r }) => r.ref === ref && isTerminalRunState(r.state))
            .sort((x, y) => y.r.queuedAtMs - x.r.queuedAtMs || y.i - x.i)
            .map(({ r }) => r);
          const kept = finished.filter((r) => !pruned.has(r.id));
          if (finished.length > 0) expect(pruned.has(finished[0]!.id)).toBe(false);
          expect(kept.length).toBeLessThanOrEqual(Math.max(keep, 1));
          for (const r of kept.slice(1)) expect(r.finishedAtMs!).toBeGreaterThanOrEqual(NOW - days * DAY);
        }
        for (const r of rs) if (!isTerminalRunState(r.state)) expect(pruned.has(r.id)).toBe(false);
      }),
    );
  });
});
