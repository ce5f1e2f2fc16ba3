import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PushEvent } from "@quire/shared";
import { drainSpool, spoolDir, spoolPush } from "./spool.js";

let data: string;
beforeAll(async () => {
  data = await mkdtemp(path.join(tmpdir(), "quire-spool-"));
});
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
});

const event = (repo: string, at: number): PushEvent => ({
  type: "push",
  repo,
  pushed_at_ms: at,
  refs: [{ ref: "refs/heads/main", old_sha: "0".repeat(40), new_sha: "a".repeat(40) }],
});

describe("push spool", () => {
  it("hands spooled pushes over oldest first, sets bad files aside, and drops only what can never be queued, saying so", async () => {
    await spoolPush(data, event("late.git", 2000));
    await spoolPush(data, event("early.git", 1000));
    await spoolPush(data, event("deleted.git", 1500));
    await writeFile(path.join(spoolDir(data), "000000000001200-1-x.json"), '{"type":"push"}');
    const seen: string[] = [];
    const logs: string[] = [];
    const n = await drainSpool(
      data,
      async (e) => {
        seen.push(e.repo);
        if (e.repo === "deleted.git") throw new RangeError("no such repository");
      },
      (l) => logs.push(l),
      { permanent: (e) => e instanceof RangeError },
    );
    expect(seen).toEqual(["early.git", "deleted.git", "late.git"]);
    expect(n).toBe(3);
    expect(logs).toEqual([
      expect.stringMatching(/000000000001200-1-x\.json is not a push event .*moved to 000000000001200-1-x\.json\.bad/),
      expect.stringMatching(/\(deleted\.git\) dropped, it can never be queued: no such repository/),
    ]);
    expect(await readdir(spoolDir(data))).toEqual(["000000000001200-1-x.json.bad"]);
    expect(await drainSpool(data, async () => {}, () => {})).toBe(0);
    await rm(spoolDir(data), { recursive: true });
  });

  it("keeps a push that could not be queued, and the ones after it, for the next drain", async () => {
    await spoolPush(data, event("first.git", 1000));
    await spoolPush(data, event("second.git", 2000));
    await spoolPush(data, event("third.git", 3000));
    const logs: string[] = [];
    let failing = true;
    const seen: string[] = [];
    const handle = async (e: PushEvent) => {
      if (failing && e.repo === "second.git") throw new Error("attempt to write a readonly database");
      seen.push(e.repo);
    };
    expect(await drainSpool(data, handle, (l) => logs.push(l))).toBe(1);
    expect(logs).toEqual([expect.stringMatching(/\(second\.git\) could not be queued: attempt to write a readonly database; kept for the next try/)]);
    expect((await readdir(spoolDir(data))).length).toBe(2);
    failing = false;
    expect(await drainSpool(data, handle, (l) => logs.push(l))).toBe(2);
    expect(seen).toEqual(["first.git", "second.git", "third.git"]);
    expect(await readdir(spoolDir(data))).toEqual([]);
  });

  it("drains nothing when there is no spool", async () => {
    expect(await drainSpool(path.join(data, "nowhere"), async () => {}, () => {})).toBe(0);
  });
});
