// The chaos harness (bench/lib/chaos.mjs) at a small size: each fault once,
// against a real server, quire-ci and git. `pnpm bench` runs it at N=100.
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module of the bench, without types
import { runChaos } from "../../../../bench/lib/chaos.mjs";

interface Totals {
  rounds: number;
  pushes: number;
  lost: number;
  stuck: number;
  leaked: number;
  integrity: number;
  fullDisk: string;
}

describe("chaos harness", () => {
  it("kill -9 of the server and of quire-ci, pushes while down, a locked database, a full disk: nothing lost, stuck or leaked", async () => {
    const lines: string[] = [];
    const t = (await runChaos({
      rounds: 5,
      schedule: ["server-kill", "ci-kill", "down", "locked", "full"],
      log: (l: string) => lines.push(l),
    })) as Totals;
    const report = `${lines.join("\n")}\nfull disk: ${t.fullDisk}`;
    expect(t.pushes, report).toBeGreaterThanOrEqual(4);
    expect({ lost: t.lost, stuck: t.stuck, leaked: t.leaked, integrity: t.integrity }, report).toEqual({ lost: 0, stuck: 0, leaked: 0, integrity: 0 });
  }, 600_000);
});
