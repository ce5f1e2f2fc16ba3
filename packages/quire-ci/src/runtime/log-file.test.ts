// The log writer against the one reader (@quire/shared parseLog): output comes
// back line for line, secrets never leave unredacted even across the long-line
// split, caps cut where the log says, a failed write stops the file quietly.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { parseLog } from "@quire/shared";
import { afterAll, describe, expect, it } from "vitest";
import { LogFile, MAX_LINE, newLogBudget, type Stream } from "./log-file.js";
import { Redactor } from "./redact.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quire-log-file-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let count = 0;
const nextFile = () => path.join(dir, `log-${++count}.log`);

async function writeAll(chunks: Array<[Stream, string | Buffer]>, options: { redactor?: Redactor; shCap?: number; runCap?: number } = {}) {
  const file = nextFile();
  const log = new LogFile(file, { redactor: options.redactor ?? new Redactor(), budget: newLogBudget(options) });
  for (const [stream, chunk] of chunks) log.write(stream, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const summary = await log.close();
  const bytes = fs.readFileSync(file);
  return { file, summary, bytes, lines: parseLog(bytes) };
}

/** What a reader should see per stream: the output split at newlines, one trailing \r dropped. */
function expectedLines(chunks: Array<[Stream, string]>, stream: Stream): string[] {
  const text = chunks.filter(([s]) => s === stream).map(([, c]) => c).join("");
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

describe("LogFile", () => {
  it("gives back every line of each stream, whatever the characters and chunking", async () => {
    const piece = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 12 }),
      fc.constantFrom("\n", "\r\n", "\x0e", "\x0f", "\x1e", "\x1eH x", "\x1eN", "\x00", "é", "😀"),
    );
    const chunk = fc.tuple(fc.constantFrom<Stream>("stdout", "stderr"), fc.array(piece, { maxLength: 8 }).map((p) => p.join("")));
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { maxLength: 30 }), async (chunks) => {
        const { lines } = await writeAll(chunks);
        for (const stream of ["stdout", "stderr"] as const) {
          expect(lines.filter((l) => l.stream === stream).map((l) => l.text)).toEqual(expectedLines(chunks, stream));
        }
        expect(lines.filter((l) => l.stream === "note")).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it("joins a line longer than the split back together, and splits no character", async () => {
    const long = "😀".repeat(MAX_LINE) + "end";
    const bytes = Buffer.from(long + "\nnext\n");
    // Split in the middle of a four-byte character, with the other stream in between.
    const { lines } = await writeAll([["stdout", bytes.subarray(0, 70_001)], ["stderr", "other\n"], ["stdout", bytes.subarray(70_001)]]);
    expect(lines.map((l) => [l.stream, l.text.length])).toEqual([["stderr", 5], ["stdout", long.length], ["stdout", 4]]);
    expect(lines[1]!.text === long).toBe(true);
  });

  it("redacts a secret that arrives across the long-line split", async () => {
    const r = new Redactor();
    r.add("token", "plainsecretvalue99");
    // 65,530 bytes, then (as a second write, as after a pause) the secret on the same line.
    const { bytes, lines } = await writeAll([["stdout", "x".repeat(65_530)], ["stdout", "plainsecretvalue99 and more\n"]], { redactor: r });
    const text = bytes.toString("utf8");
    // No five characters of the secret are in the file.
    for (let at = 0; at + 5 <= 18; at++) expect(text.includes("plainsecretvalue99".slice(at, at + 5)), `piece at ${at}`).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.text === `${"x".repeat(65_530)}{{ token }} and more`).toBe(true);
  });

  it("keeps a secret whole when its first bytes end one write and the rest start the next", async () => {
    const r = new Redactor();
    r.add("token", "plainsecretvalue99");
    const { bytes } = await writeAll([["stdout", "y".repeat(MAX_LINE + 100) + "plainsec"], ["stdout", "retvalue99\n"]], { redactor: r });
    expect(bytes.toString("utf8").includes("plainsec")).toBe(false);
    expect(bytes.toString("utf8").includes("retvalue99")).toBe(false);
  });

  it("stays under twice the output for 2-byte lines", async () => {
    const output = "x\n".repeat(500_000);
    const chunks: Array<[Stream, string]> = [];
    for (let i = 0; i < output.length; i += 65_536) chunks.push(["stdout", output.slice(i, i + 65_536)]);
    const { bytes, lines } = await writeAll(chunks);
    expect(lines).toHaveLength(500_000);
    expect(bytes.length / output.length).toBeLessThan(2);
  });

  it("cuts a log at its cap, says so where it cut, and counts what it dropped", async () => {
    const { summary, lines, bytes } = await writeAll(
      [["stdout", "line one\nline two\n"], ["stdout", "z".repeat(300) + "\n"], ["stdout", "after the cut\n"]],
      { shCap: 200 },
    );
    expect(bytes.length).toBeLessThanOrEqual(200 + 400); // the notes go over the cap, the output does not
    expect(summary.cut).toEqual({ cap: "sh", limitBytes: 200, droppedBytes: 301 + 14 });
    expect(lines.map((l) => l.stream === "note" ? `note: ${l.text.slice(0, 40)}` : l.text)).toEqual([
      "line one",
      "line two",
      "note: quire-ci: output cut here: this log reac",
      "note: quire-ci: 315 bytes of output were not k",
    ]);
  });

  it("shares the run's cap between logs", async () => {
    const budget = newLogBudget({ shCap: 10_000, runCap: 1_000 });
    const a = new LogFile(nextFile(), { redactor: new Redactor(), budget });
    const b = new LogFile(nextFile(), { redactor: new Redactor(), budget });
    a.write("stdout", Buffer.from("a".repeat(700) + "\n"));
    b.write("stdout", Buffer.from("b".repeat(700) + "\n"));
    const [sa, sb] = await Promise.all([a.close(), b.close()]);
    expect(sa.cut).toBeUndefined();
    expect(sb.cut).toMatchObject({ cap: "run", limitBytes: 1_000, droppedBytes: 701 });
    expect(parseLog(fs.readFileSync(b.file)).map((l) => l.text)).toEqual([
      expect.stringContaining("the run's logs reached their cap of 1000 bytes (:run-log-cap)"),
      "quire-ci: 701 bytes of output were not kept after the cut",
    ]);
  });

  it("reports a failed write once and never throws (a full disk: /dev/full)", async () => {
    const errors: string[] = [];
    const log = new LogFile("/dev/full", { redactor: new Redactor(), budget: newLogBudget(), sync: true, onWriteError: (e) => errors.push(e.code ?? e.message) });
    log.write("stdout", Buffer.from("lots of output\n".repeat(1000)));
    log.write("stderr", Buffer.from("more\n"));
    log.note("a note");
    const summary = await log.close();
    expect(errors).toEqual(["ENOSPC"]);
    expect(summary.writeError?.code).toBe("ENOSPC");
  });

  it("quiet: no file until a record follows the header; a partial line waits for close; keep creates an empty log", async () => {
    const quiet = (file: string) => new LogFile(file, { redactor: new Redactor(), budget: newLogBudget(), sync: true, quiet: true });
    const silent = nextFile();
    expect(await quiet(silent).close()).toMatchObject({ bytes: expect.any(Number) });
    expect(fs.existsSync(silent)).toBe(false);

    const partial = nextFile();
    const log = quiet(partial);
    log.write("stdout", Buffer.from("no newline yet"));
    expect(fs.existsSync(partial)).toBe(false);
    await log.close();
    expect(parseLog(fs.readFileSync(partial)).map((l) => l.text)).toEqual(["no newline yet"]);

    const line = nextFile();
    const loud = quiet(line);
    loud.write("stderr", Buffer.from("at once\n"));
    expect(fs.existsSync(line)).toBe(true);
    await loud.close();
    expect(parseLog(fs.readFileSync(line)).map((l) => [l.stream, l.text])).toEqual([["stderr", "at once"]]);

    const kept = nextFile();
    await quiet(kept).close({ keep: true });
    expect(fs.readFileSync(kept, "utf8")).toMatch(/^\x1eH quire-log 1 \d+\n$/);
    expect(parseLog(fs.readFileSync(kept))).toEqual([]);
  });
});
