// The in-process log walk (web/git/walk.ts) must list commits exactly as
// `git log` does, or ref log pages would skip or repeat commits when a deep
// page falls back to git: checked on random graphs full of merges, equal
// dates and clock skew, and on the real bench repositories when present.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { RepoReader } from "../../src/web/git/reader.js";
import { walkCommits, gitSubject } from "../../src/web/git/walk.js";
import { buildDagRepo, gitLogOrder, type DagCommit } from "./dag-repo.js";
import { gitEnv, serverRoot } from "../git/git-helpers.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "quire-walk-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function walkOrder(dir: string, tip: string): Promise<string[]> {
  const reader = new RepoReader({ name: path.basename(dir), group: null, base: path.basename(dir, ".git"), dir });
  try {
    const out: string[] = [];
    await walkCommits((oid) => reader.commit(oid), tip, (c) => {
      out.push(c.oid);
      return true;
    });
    return out;
  } finally {
    reader.close();
  }
}

/** A random commit graph: each commit has up to three distinct earlier parents and a time from a small set. */
const dagArb = fc
  .array(fc.record({ picks: fc.uniqueArray(fc.nat(), { maxLength: 3 }), time: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 40 })
  .map((raw): DagCommit[] =>
    raw.map((r, i) => ({
      parents: i === 0 ? [] : [...new Set(r.picks.map((p) => p % i))],
      time: 1_700_000_000 + r.time * 100,
    })),
  );

describe("the in-process walk", () => {
  it("lists random graphs (merges, equal dates, skew) in git log's order", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(dagArb, async (dag) => {
        const { dir, shas } = buildDagRepo(tmp, `dag${n++}`, dag);
        const tip = shas[shas.length - 1]!;
        expect(await walkOrder(dir, tip)).toEqual(gitLogOrder(dir, tip));
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  // The shared material: $QUIRE_SHARED_DIR (set by .ci/run), else beside the repository.
  const fennel = path.join(process.env.QUIRE_SHARED_DIR ?? path.resolve(serverRoot, "..", "..", "..", "shared"), "bench-repos", "fennel.bundle");
  it.skipIf(!existsSync(fennel))("lists the real Fennel history in git log's order (bench bundle; skipped when absent)", async () => {
    const dir = path.join(tmp, "fennel.git");
    execFileSync("git", ["clone", "-q", "--mirror", fennel, dir], { env: gitEnv() });
    const tip = execFileSync("git", ["rev-parse", "refs/heads/main"], { cwd: dir, env: gitEnv({ GIT_DIR: dir }), encoding: "utf8" }).trim();
    const order = await walkOrder(dir, tip);
    expect(order.length).toBeGreaterThan(2000);
    expect(order).toEqual(gitLogOrder(dir, tip));
  }, 120_000);
});

describe("gitSubject", () => {
  it("joins the first paragraph as git's %s does", () => {
    expect(gitSubject("One\nTwo  \n\nBody")).toBe("One Two");
    expect(gitSubject("\n\n  Lead\n")).toBe("  Lead");
    expect(gitSubject("")).toBe("");
  });
});
