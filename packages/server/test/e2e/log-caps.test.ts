// Log caps end to end: a real `quire serve` with small :sh-log-cap and
// :run-log-cap, the real quire-ci, and the cut read back through the server's
// one log reader, the sh rows and `quire ci show`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import { readLogFile } from "../../src/runs/log-reader.js";
import { quire, tempDir } from "../git/git-helpers.js";
import { newRepo, pipeline, pushRun, RunWatcher, startServe, type Serve } from "./harness.js";

let data: string;
let serve: Serve;
let runs: RunWatcher;
const cleanup: string[] = [];

beforeAll(async () => {
  data = await tempDir("quire-logcap-");
  cleanup.push(data);
  serve = await startServe(data, "{:sh-log-cap 20000 :run-log-cap 60000}\n");
  runs = new RunWatcher(data);
});
afterAll(async () => {
  runs?.close();
  await serve?.stop();
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

describe("log caps", () => {
  it("cut an sh's log at :sh-log-cap and the run's logs at :run-log-cap, say where, and note it on the sh rows", async () => {
    const work = await newRepo(data, "noisy");
    cleanup.push(work);
    const { id } = await pushRun(work, {
      ".quire/config.fnl": "{:public-runs true}\n",
      ".quire/ci.fnl": pipeline(`(ci.job :loud [:quire/push]
  (fn [{: sh}]
    (sh "seq 1 100000")
    (sh "seq 1 4000")
    (sh "seq 1 4000")
    (sh "seq 1 4000")
    (sh "echo still running")))`),
    });
    const { run } = await runs.settle(id, 60_000);
    expect(run.state, `${run.error}\n${serve.output()}`).toBe("complete");

    const sh = runs.sh(id);
    // 1..100000 is 588,895 bytes: cut by its own cap.
    expect(sh[0]).toMatchObject({ n: 1, exitCode: 0, logCut: "sh" });
    expect(sh[0]!.logDroppedBytes).toBeGreaterThan(500_000);
    // 1..4000 is 18,893 bytes: fits its own cap, and the run's cap runs out on the third.
    expect(sh.slice(1, 3).map((s) => s.logCut)).toEqual([null, null]);
    expect(sh[3]).toMatchObject({ n: 4, logCut: "run" });
    expect(sh[4]).toMatchObject({ n: 5, logCut: "run" });

    const detail = JSON.parse(quire(data, ["ci", "show", id, "--json"]).stdout) as { sh: { log: string; log_cut: string | null }[] };
    const first = await readLogFile(detail.sh[0]!.log);
    expect((await stat(detail.sh[0]!.log)).size).toBeLessThan(20_000 + 1000);
    const notes = first.filter((l) => l.stream === "note").map((l) => l.text);
    expect(notes[0]).toContain("output cut here: this log reached its cap of 20000 bytes (:sh-log-cap)");
    expect(notes[1]).toMatch(/^quire-ci: \d+ bytes of output were not kept after the cut$/);
    const kept = first.filter((l) => l.stream === "stdout").map((l) => l.text);
    expect(kept.slice(0, 3)).toEqual(["1", "2", "3"]);
    // Everything kept comes before the note, in order.
    expect(kept.map(Number)).toEqual(kept.map((_, i) => i + 1));

    const fourth = await readLogFile(detail.sh[3]!.log);
    expect(fourth.find((l) => l.stream === "note")?.text).toContain("the run's logs reached their cap of 60000 bytes (:run-log-cap)");

    const text = quire(data, ["ci", "show", id]).stdout;
    expect(text).toMatch(/sh 1 .*\n.*log .*sh-1\.log\n\s+log cut at its cap \(:sh-log-cap\); \d+ bytes of output not kept/);
    expect(text).toContain("log cut at the run's cap (:run-log-cap)");
    expect(path.basename(detail.sh[4]!.log)).toBe("sh-5.log");

    // The run page says the same, each cut with its reason.
    const page = await (await fetch(`${serve.url}/noisy/runs/${id}`)).text();
    expect(page).toContain("log cut at its cap (:sh-log-cap)");
    expect(page).toContain("log cut at the run&#39;s cap (:run-log-cap)");
  });
});
