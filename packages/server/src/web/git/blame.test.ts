import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildFixtureRepo, type FixtureRepo } from "../../../test/web/fixture-repo.js";
import { buildLadderRepo, type LadderRepo } from "../../../test/web/ladder-repo.js";
import { blame, blameLine, BlamePorcelainParser, BlameTimeoutError, type BlameData } from "./blame.js";
import { RepoReader } from "./reader.js";
import { gitEnv } from "../../../test/git/git-helpers.js";

let tmp: string;
let fx: FixtureRepo;
let ladder: LadderRepo;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "quire-blame-"));
  fx = buildFixtureRepo(tmp, "demo");
  ladder = buildLadderRepo(tmp);
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function porcelain(dir: string, rev: string, file: string): Buffer {
  return execFileSync("git", ["-c", "core.quotePath=true", "blame", "--porcelain", rev, "--", file], { env: { ...process.env, GIT_DIR: dir } });
}

function parseAll(chunks: Buffer[]): BlameData {
  const parser = new BlamePorcelainParser(4);
  for (const c of chunks) parser.push(c);
  return parser.end();
}

describe("blame porcelain parser", () => {
  it("names each line's commit, its line there, and the parent and path before it", () => {
    const data = parseAll([porcelain(fx.dir, "main", "now.c")]);
    expect(data.lines).toBe(40);
    const ten = blameLine(data, 10)!;
    expect(ten.commit.oid).toBe(fx.sha.renameOne);
    expect(ten.commit.summary).toBe("Move old.c into lib/");
    expect(ten.commit.author).toBe("Quire Test");
    expect(ten.suspect.path.toString()).toBe("lib/old.c");
    expect(ten.suspect.previous).toEqual({ oid: fx.sha.initial, path: Buffer.from("old.c") });
    const one = blameLine(data, 1)!;
    expect(one.commit.oid).toBe(fx.sha.initial);
    expect(one.suspect.previous).toBeNull();
    // The second group of the initial commit repeats no filename: it falls back to the commit's.
    expect(blameLine(data, 11)!.suspect.path.toString()).toBe("old.c");
    expect(blameLine(data, 0)).toBeNull();
    expect(blameLine(data, 41)).toBeNull();
  });

  it("maps lines through the history: original line numbers, renames", () => {
    const data = parseAll([porcelain(ladder.dir, "main", "tale.txt")]);
    expect(data.lines).toBe(12);
    const shout = blameLine(data, 8)!;
    expect([shout.commit.oid, shout.orig, shout.suspect.path.toString()]).toEqual([ladder.sha.c2, 9, "story.txt"]);
    expect(shout.suspect.previous?.oid).toBe(ladder.sha.c1);
    const eight = blameLine(data, 10)!;
    expect([eight.commit.oid, eight.suspect.path.toString(), eight.suspect.previous?.path.toString()]).toEqual([ladder.sha.c3, "tale.txt", "story.txt"]);
  });

  it("reads quoted names back as their bytes", () => {
    const name = "weird/a <b> \"q\" & 's.txt";
    const data = parseAll([porcelain(fx.dir, "main", name)]);
    expect(blameLine(data, 1)!.suspect.path.toString()).toBe(name);
    // A name that is not UTF-8 can only reach git through a shell here.
    const out = execFileSync("sh", ["-c", 'git -c core.quotePath=true blame --porcelain main -- "$(printf "caf\\351.txt")"'], { env: { ...process.env, GIT_DIR: fx.dir } });
    expect(blameLine(parseAll([out]), 1)!.suspect.path).toEqual(fx.latin1Name);
  });

  it("gives the same answer however the output is cut into chunks", () => {
    const whole = porcelain(fx.dir, "main", "now.c");
    const expected = parseAll([whole]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 30 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), whole.length];
        const chunks = points.slice(1).map((end, i) => whole.subarray(points[i]!, end));
        expect(parseAll(chunks)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});

describe("blame through the reader", () => {
  it("runs git blame and reports a path it cannot blame", async () => {
    const reader = new RepoReader({ name: "demo.git", dir: fx.dir } as never);
    try {
      const job = blame(reader, fx.sha.head, "now.c", { timeoutMs: 20_000 });
      await job.started;
      expect((await job.result).lines).toBe(40);
      const missing = blame(reader, fx.sha.head, "no/such/file", { timeoutMs: 20_000 });
      await expect(missing.result).rejects.toThrow(/no such path/);
    } finally {
      reader.close();
    }
  });

  it("stops a blame that outruns its budget", async () => {
    // 200,000 lines, every tenth rewritten: far more than 25 ms of blaming.
    const work = path.join(tmp, "big-work");
    execFileSync("git", ["init", "-q", "-b", "main", work]);
    const lines = Array.from({ length: 200_000 }, (_, i) => `line ${i}`);
    const env = gitEnv();
    writeFileSync(path.join(work, "big.txt"), lines.join("\n") + "\n");
    execFileSync("git", ["add", "-A"], { cwd: work, env });
    execFileSync("git", ["commit", "-q", "-m", "big"], { cwd: work, env });
    writeFileSync(path.join(work, "big.txt"), lines.map((l, i) => (i % 10 === 0 ? `${l}!` : l)).join("\n") + "\n");
    execFileSync("git", ["commit", "-q", "-am", "bigger"], { cwd: work, env });
    const reader = new RepoReader({ name: "big.git", dir: path.join(work, ".git") } as never);
    try {
      const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: work }).toString().trim();
      const job = blame(reader, head, "big.txt", { timeoutMs: 25 });
      await expect(job.result).rejects.toBeInstanceOf(BlameTimeoutError);
    } finally {
      reader.close();
    }
  }, 30_000);
});
