import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildLadderRepo, type LadderRepo } from "../../../test/web/ladder-repo.js";
import { lineLog, LineLogParser } from "./line-log.js";
import { RepoReader } from "./reader.js";

let tmp: string;
let ladder: LadderRepo;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "quire-line-log-"));
  ladder = buildLadderRepo(tmp);
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("line-range history", () => {
  it("parses each commit with its range diff, however the output is cut", () => {
    const out = execFileSync("git", ["log", "--format=%x00%H%x00%P%x00%an%x00%at%x00%s", "-L8,10:tale.txt", "main"], { env: { ...process.env, GIT_DIR: ladder.dir }, encoding: "utf8" });
    const whole = new LineLogParser();
    whole.push(out);
    const entries = whole.end();
    expect(entries.map((e) => e.oid)).toEqual([ladder.sha.c3, ladder.sha.c2, ladder.sha.c1]);
    expect(entries[1]!.parents).toEqual([ladder.sha.c1]);
    expect(entries[2]!.parents).toEqual([]);
    expect(entries[1]!.subject).toBe("Add a preface & shout <six>");
    expect(entries[0]!.diff.startsWith("diff --git a/story.txt b/tale.txt\n")).toBe(true);
    expect(entries[0]!.diff).toContain("\n-eight\n+EIGHT");
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: out.length - 1 }), { maxLength: 20 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), out.length];
        const parser = new LineLogParser();
        for (let i = 1; i < points.length; i++) parser.push(out.slice(points[i - 1], points[i]));
        expect(parser.end()).toEqual(entries);
      }),
      { numRuns: 50 },
    );
  });

  it("runs through the reader, stops one commit past the page, and pages with skip", async () => {
    const reader = new RepoReader({ name: "ladder.git", dir: ladder.dir } as never);
    try {
      const base = { oid: ladder.sha.c3, path: "tale.txt", from: 8, to: 10, timeoutMs: 20_000 };
      const first = await lineLog(reader, { ...base, skip: 0, limit: 2 });
      expect(first.entries.map((e) => e.oid)).toEqual([ladder.sha.c3, ladder.sha.c2]);
      expect([first.more, first.partial]).toEqual([true, false]);
      const rest = await lineLog(reader, { ...base, skip: 2, limit: 2 });
      expect(rest.entries.map((e) => e.oid)).toEqual([ladder.sha.c1]);
      expect([rest.more, rest.partial]).toEqual([false, false]);
      await expect(lineLog(reader, { ...base, path: "no-such-file", skip: 0, limit: 2 })).rejects.toThrow(/no-such-file/);
    } finally {
      reader.close();
    }
  });
});
