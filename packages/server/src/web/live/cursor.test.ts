import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CursorError, encodeCursor, parseCursor, type RunCursor } from "./cursor.js";

describe("run cursors", () => {
  it("round-trip, leaving out logs with no lines", () => {
    const c: RunCursor = { state: "active", seq: 12, lines: new Map([["1.1", 40], ["1.0", 0], ["3.2", 7]]) };
    const text = encodeCursor(c);
    expect(text).toBe("v1~active~12~1.1:40,3.2:7");
    expect(parseCursor(text)).toEqual({ ...c, lines: new Map([["1.1", 40], ["3.2", 7]]) });
    expect(parseCursor("v1~~-1~")).toEqual({ state: "", seq: -1, lines: new Map() });
  });

  it("refuses what this server did not write, saying why", () => {
    for (const [text, why] of [
      ["", /expected "v1~state~seq~lines"/],
      ["v2~active~1~", /expected/],
      ["v1~Active~1~", /names no run state/],
      ["v1~active~x~", /seq is not a number/],
      ["v1~active~1~1.1", /malformed log entry/],
      ["v1~active~1~1.1:2,1.1:3", /names log 1.1 twice/],
      ["v1~active~1~" + "1.1:1,".repeat(4000), /longer than/],
    ] as const) {
      expect(() => parseCursor(text), text.slice(0, 30)).toThrow(CursorError);
      expect(() => parseCursor(text)).toThrow(why);
    }
  });

  it("never throws anything but CursorError (property)", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseCursor(s);
        } catch (e) {
          expect(e).toBeInstanceOf(CursorError);
        }
      }),
    );
  });
});
