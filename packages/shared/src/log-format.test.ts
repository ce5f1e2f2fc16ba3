// The log reader: every record kind of format 1, fed whole or byte by byte,
// and the CRI lines of logs written before the format.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LogParser, parseLog } from "./log-format.js";

const LOG = [
  "\x1eH quire-log 1 1000",
  "plain stdout line",
  "\x0estderr line",
  "more stderr",
  "\x1eT15",
  "\x0fback on stdout\r",
  "\x1eNquire-ci: a note",
  "\x1eP",
  "first piece ",
  "\x1eT10",
  "\x1eP",
  "\x0esecond stream piece",
  "\x0fsecond piece",
  "\x0f\x0eline that starts with SO",
  "\x1eX an unknown directive",
  "\x1eH quire-log 1 5000",
  "after a restart",
  "\x1eP",
  "unterminated at the end",
].join("\n") + "\n";

const WANT = [
  { stream: "stdout", text: "plain stdout line", atMs: 1000 },
  { stream: "stderr", text: "stderr line", atMs: 1000 },
  { stream: "stderr", text: "more stderr", atMs: 1000 },
  { stream: "stdout", text: "back on stdout", atMs: 1015 },
  { stream: "note", text: "quire-ci: a note", atMs: 1015 },
  { stream: "stdout", text: "first piece second piece", atMs: 1015 },
  { stream: "stdout", text: "\x0eline that starts with SO", atMs: 1025 },
  { stream: "stdout", text: "after a restart", atMs: 5000 },
  { stream: "stdout", text: "unterminated at the end", atMs: 5000 },
  { stream: "stderr", text: "second stream piece", atMs: 1025 },
];

describe("parseLog", () => {
  it("reads every record kind: lines, stream marks, time, notes, pieces, restarts", () => {
    expect(parseLog(LOG)).toEqual(WANT);
  });

  it("gives the same lines however the bytes are split", () => {
    const bytes = Buffer.from(LOG.replace("plain", "plaïn 😀"));
    const whole = parseLog(bytes);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
        const at = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
        const parser = new LogParser();
        const lines = [];
        for (let i = 1; i < at.length; i++) lines.push(...parser.feed(bytes.subarray(at[i - 1], at[i])));
        lines.push(...parser.end());
        expect(lines).toEqual(whole);
      }),
    );
  });

  it("reads the CRI lines of older logs", () => {
    const cri = [
      "2026-05-01T10:00:00.123456000Z stdout F compiling",
      "2026-05-01T10:00:00.234567000Z stderr P half ",
      "2026-05-01T10:00:00.334567000Z stderr F and the rest",
      "2026-05-01T10:00:01.000000000Z stdout F ",
    ].join("\n") + "\n";
    expect(parseLog(cri)).toEqual([
      { stream: "stdout", text: "compiling", atMs: Date.parse("2026-05-01T10:00:00.123Z") },
      { stream: "stderr", text: "half and the rest", atMs: Date.parse("2026-05-01T10:00:00.234Z") },
      { stream: "stdout", text: "", atMs: Date.parse("2026-05-01T10:00:01.000Z") },
    ]);
  });

  it("reads an empty file as no lines", () => {
    expect(parseLog("")).toEqual([]);
  });
});
