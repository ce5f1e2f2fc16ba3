// The exit status numbers the outcome rule records.
import { describe, expect, it } from "vitest";
import { exitCodeOf } from "./outcome.js";

describe("exitCodeOf", () => {
  it("keeps a code and maps a signal to 128 + its number", () => {
    expect(exitCodeOf({ code: 0, signal: null })).toBe(0);
    expect(exitCodeOf({ code: 3, signal: null })).toBe(3);
    expect(exitCodeOf({ code: null, signal: "SIGKILL" })).toBe(137);
    expect(exitCodeOf({ code: null, signal: "SIGTERM" })).toBe(143);
  });
});
