import { describe, expect, it } from "vitest";
import { isZeroSha, parsePushEvent, refParts, ZERO_SHA } from "./push.js";

const sha = "a".repeat(40);

describe("push event", () => {
  it("accepts a well-formed push", () => {
    const e = parsePushEvent({ type: "push", repo: "foo.git", pushed_at_ms: 1, refs: [{ ref: "refs/heads/main", old_sha: ZERO_SHA, new_sha: sha }] });
    expect(e.refs[0]?.new_sha).toBe(sha);
  });

  it("rejects bad shas, refs and empty pushes naming the field", () => {
    const base = { type: "push", repo: "foo.git", pushed_at_ms: 1 };
    expect(() => parsePushEvent({ ...base, refs: [] })).toThrow(/field "refs"/);
    expect(() => parsePushEvent({ ...base, refs: [{ ref: "main", old_sha: sha, new_sha: sha }] })).toThrow(/field "refs.0.ref"/);
    expect(() => parsePushEvent({ ...base, refs: [{ ref: "refs/heads/x", old_sha: "xyz", new_sha: sha }] })).toThrow(
      /field "refs.0.old_sha"/,
    );
    expect(() => parsePushEvent({ ...base, repo: "", refs: [] })).toThrow(/field "repo"/);
  });

  it("splits refs into branch and tag", () => {
    expect(refParts("refs/heads/feature/x")).toEqual({ branch: "feature/x", tag: null });
    expect(refParts("refs/tags/v1")).toEqual({ branch: null, tag: "v1" });
    expect(refParts("refs/notes/commits")).toEqual({ branch: null, tag: null });
    expect(isZeroSha(ZERO_SHA)).toBe(true);
    expect(isZeroSha(sha)).toBe(false);
  });
});
