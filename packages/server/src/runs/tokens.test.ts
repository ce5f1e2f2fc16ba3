// Run tokens: random, bound to their run id, checked against the stored hash.
import { describe, expect, it } from "vitest";
import { hashRunToken, newRunToken, runIdOfToken, tokenMatches } from "./tokens.js";

describe("run tokens", () => {
  it("are random per call, name their run, and match only their own hash", () => {
    const a = newRunToken("abc123");
    const b = newRunToken("abc123");
    expect(a).not.toBe(b);
    expect(runIdOfToken(a)).toBe("abc123");
    expect(a.length).toBeGreaterThan(40);
    const hash = hashRunToken(a);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenMatches(a, hash)).toBe(true);
    expect(tokenMatches(b, hash)).toBe(false);
    expect(tokenMatches(a, null)).toBe(false);
    expect(tokenMatches(a, undefined)).toBe(false);
    expect(tokenMatches(a, "short")).toBe(false);
  });

  it("reject shapes without a run id", () => {
    for (const t of ["", "nodot", ".secret", "id."]) expect(runIdOfToken(t)).toBeUndefined();
  });
});
