// The pipeline VM's limits, through the built program on real checkouts:
// runaway recursion, compile-time code that never ends, and macros reaching
// for the host's libraries each end the run as a pipeline-failure whose
// error names the ci.fnl position.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { COMPILE_LIMIT_MS } from "../src/pipeline/compile.js";
import { BIN, gitCommitAll, readEvents, tempDir, workspaceWith } from "./helpers.js";

/** `quire-ci run` on a one-commit checkout of `ciFnl`: its exit code, output and last event. */
function runPipelineText(ciFnl: string, env: Record<string, string> = {}) {
  const ws = workspaceWith(ciFnl);
  gitCommitAll(ws);
  const out = tempDir("quire-ci-out-");
  const events = path.join(out, "events.jsonl");
  const r = spawnSync(process.execPath, [BIN, "run", ws, "--out-dir", out, "--events", events], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    encoding: "utf8",
  });
  const all = readEvents(events);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, events: all, last: all.at(-1) };
}

describe("the pipeline VM's limits", () => {
  test("deep recursion in ci.fnl's body is a pipeline-failure at the recursing line", () => {
    const r = runPipelineText(`(local ci (require :quire.ci))
(fn down [n] (+ 1 (down n)))
(down 1)
(ci.job :never [:quire/push] (fn [] nil))
`);
    expect(r.code).toBe(1);
    expect(r.last).toMatchObject({ type: "run_finished", outcome: "pipeline-failure", error: ".quire/ci.fnl:2: stack overflow" });
  });

  test("deep recursion in a run-fn fails its job with the recursing line, and the run with it", () => {
    const r = runPipelineText(`(local ci (require :quire.ci))

(fn down [n] (+ 1 (down n)))
(ci.job :deep [:quire/push]
  (fn [] (down 1)))
`);
    expect(r.code).toBe(1);
    expect(r.events.find((e) => e.type === "job_finished")).toMatchObject({ job_id: "deep", outcome: "failed", error: ".quire/ci.fnl:3: stack overflow" });
    expect(r.last).toMatchObject({ type: "run_finished", outcome: "pipeline-failure" });
  });

  test("eval-compiler code that never ends stops at the compile limit, once, naming its form", () => {
    const started = Date.now();
    const r = runPipelineText(`(local ci (require :quire.ci))
(ci.job :x [:quire/push] (fn [] nil))
  (eval-compiler (while true nil))
`);
    const elapsed = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.last).toMatchObject({
      type: "run_finished",
      outcome: "pipeline-failure",
      error: `.quire/ci.fnl:3:2: Compile error: compile-time code did not finish within ${COMPILE_LIMIT_MS} ms`,
    });
    // Stopped at the limit, not given it a second time (compile errors are
    // reported against the file as written by compiling it again).
    expect(elapsed).toBeGreaterThanOrEqual(COMPILE_LIMIT_MS);
    expect(elapsed).toBeLessThan(2 * COMPILE_LIMIT_MS);
  }, 6 * COMPILE_LIMIT_MS);

  test.for(["io", "os", "debug"])("a macro's (require :%s) is refused at the macro's call", (lib) => {
    const r = runPipelineText(`(local ci (require :quire.ci))
(macro reach [] (let [lib (require :${lib})] (tostring lib)))
(ci.job :x [:quire/push] (fn [] (reach)))
`);
    expect(r.code).toBe(1);
    expect(r.last).toMatchObject({ type: "run_finished", outcome: "pipeline-failure", error: `.quire/ci.fnl:3:32: Compile error: ${lib} module not found.` });
  });
});
