import { describe, expect, it } from "vitest";
import { pushForLua, rfc3339 } from "./run-pipeline.js";

const push = {
  sha: "a".repeat(40),
  ref: "refs/tags/v1",
  branch: null,
  tag: "v1",
  previous_sha: null,
  files_changed: [],
  pusher: null,
  commit_message: "m",
  repo: "r.git",
};

describe("pushForLua", () => {
  it("prints pushed-at as upstream does, from the push time or else the queue time", () => {
    expect(rfc3339(Date.UTC(2026, 3, 28, 12))).toBe("2026-04-28T12:00:00Z");
    expect(rfc3339(Date.UTC(2026, 3, 28, 12, 0, 0, 123))).toBe("2026-04-28T12:00:00.123Z");
    expect(pushForLua({ ...push, pushed_at_ms: Date.UTC(2026, 0, 1) }, 5)["pushed-at"]).toBe("2026-01-01T00:00:00Z");
    expect(pushForLua(push, Date.UTC(2026, 0, 2))["pushed-at"]).toBe("2026-01-02T00:00:00Z");
    expect(pushForLua(push)).not.toHaveProperty("pushed-at");
    expect(pushForLua(push)).toMatchObject({ tag: "v1" });
    expect(pushForLua(push)).not.toHaveProperty("branch");
  });
});
