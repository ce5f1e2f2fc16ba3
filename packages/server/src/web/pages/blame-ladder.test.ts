import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { HttpError } from "../../errors.js";
import { extendTrail, formatStep, MAX_TRAIL_CHARS, MAX_TRAIL_STEPS, parseTrail, rawQueryValues, trailQuery, type Trail, type TrailStep } from "./blame-ladder.js";

const segment = fc
  .uint8Array({ minLength: 1, maxLength: 12 })
  .map((a) => Buffer.from(a.filter((b) => b !== 0 && b !== 0x2f)))
  .filter((b) => b.length > 0 && b.toString("latin1") !== "." && b.toString("latin1") !== "..");
const sha = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((a) => Buffer.from(a).toString("hex"));
const refName = fc.constantFrom("main", "feature/x", "v1.0", "push-kxqpmvwzzyzl", "a,b", "topic+1");
const step: fc.Arbitrary<TrailStep> = fc.record({
  rev: fc.oneof(sha, refName),
  line: fc.integer({ min: 1, max: 9_999_999 }),
  path: fc.array(segment, { minLength: 1, maxLength: 4 }),
});

describe("blame trail", () => {
  it("reads back every trail it writes, whatever the names hold", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 4 }), fc.boolean(), (steps, omitted) => {
        const trail: Trail = { steps, omitted };
        if (steps.reduce((n, s) => n + formatStep(s).length, 0) > MAX_TRAIL_CHARS) return;
        expect(parseTrail(trailQuery(trail))).toEqual(trail);
        // The step text holds nothing a query or the step itself splits on.
        for (const s of steps) expect(formatStep(s).split(":")).toHaveLength(3);
        expect(trailQuery(trail)).not.toMatch(/[#\s+;,]/);
      }),
    );
  });

  it("keeps a trail bounded as it grows, marking what it dropped", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => {
        let trail: Trail = { steps: [], omitted: false };
        for (const s of steps) trail = extendTrail(trail, s);
        expect(trail.steps.length).toBeLessThanOrEqual(MAX_TRAIL_STEPS);
        // What a ladder link carries is always accepted back.
        expect(parseTrail(trailQuery(trail))).toEqual(trail);
        if (steps.length > MAX_TRAIL_STEPS) expect(trail.omitted).toBe(true);
        if (trail.steps.length > 0) expect(trail.steps[trail.steps.length - 1]).toEqual(steps[steps.length - 1]);
      }),
    );
  });

  it("refuses malformed and over-long trails with a 400 that says what to do", () => {
    const good = `main:12:now.c`;
    const bad = [
      "t=zz",
      "t=main:0:now.c",
      "t=main:twelve:now.c",
      "t=main:12:",
      "t=main:12:a/../b",
      "t=main:12:a//b",
      "t=main:12:%00",
      "t=ma..in:12:now.c",
      "t=-%5Bx:12:now.c",
      "t=main:12:now.c:extra",
      Array.from({ length: MAX_TRAIL_STEPS + 1 }, () => `t=${good}`).join("&"),
      `t=main:1:${"x".repeat(MAX_TRAIL_CHARS)}`,
    ];
    for (const q of bad) {
      let caught: unknown;
      try {
        parseTrail(q);
      } catch (e) {
        caught = e;
      }
      expect(caught, q).toBeInstanceOf(HttpError);
      expect((caught as HttpError).status).toBe(400);
      expect((caught as HttpError).message).toMatch(/t=|trail/);
    }
    expect(parseTrail(`t=${good}&up=3`).steps).toEqual([{ rev: "main", line: 12, path: [Buffer.from("now.c")] }]);
    expect(parseTrail("").steps).toEqual([]);
  });

  it("reads raw query values without decoding them", () => {
    expect(rawQueryValues("?a=1&t=x%2Fy&t=&b", "t")).toEqual(["x%2Fy", ""]);
    expect(rawQueryValues("up", "up")).toEqual([""]);
  });
});
