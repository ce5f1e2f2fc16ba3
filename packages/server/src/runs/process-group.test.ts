// killProcessGroup and process identity against real process groups.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isProcessGroupAlive, killProcessGroup } from "./process-group.js";
import { groupMatchesIdentity, processIdentity } from "./process-identity.js";

function group(script: string): number {
  const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  child.unref();
  return child.pid!;
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe("killProcessGroup", () => {
  it("stops a group with TERM, grandchildren included", async () => {
    const pgid = group("sleep 300 & sleep 300");
    await settle();
    expect(isProcessGroupAlive(pgid)).toBe(true);
    const t0 = Date.now();
    expect(await killProcessGroup(pgid, { graceMs: 5000 })).toBe(true);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(isProcessGroupAlive(pgid)).toBe(false);
  });

  it("escalates to KILL after the grace period when TERM is ignored", async () => {
    const pgid = group("trap '' TERM; sleep 300 & trap '' TERM; while true; do sleep 1; done");
    await settle();
    const t0 = Date.now();
    expect(await killProcessGroup(pgid, { graceMs: 300 })).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(isProcessGroupAlive(pgid)).toBe(false);
  });

  it("is a no-op for a group that is gone, and refuses pgid 0, 1 and negatives", async () => {
    expect(await killProcessGroup(2 ** 22 + 12345)).toBe(true);
    for (const bad of [0, 1, -5, 1.5]) await expect(killProcessGroup(bad)).rejects.toThrow(/refusing to signal/);
  });
});

describe("processIdentity", () => {
  it("identifies a live process by boot id and start time, and matches only that", async () => {
    const pgid = group("sleep 300");
    await settle();
    try {
      const id = processIdentity(pgid);
      expect(id).toMatch(/^[0-9a-f-]+:\d+$/);
      expect(groupMatchesIdentity(pgid, id)).toBe(true);
      expect(groupMatchesIdentity(pgid, null)).toBe(true);
      expect(groupMatchesIdentity(pgid, `${id!.split(":")[0]}:0`)).toBe(false);
      expect(groupMatchesIdentity(pgid, `another-boot:${id!.split(":")[1]}`)).toBe(false);
      expect(processIdentity(2 ** 22 + 12345)).toBeNull();
    } finally {
      await killProcessGroup(pgid, { graceMs: 100 });
    }
  });
});
