// The pipeline VM's limits, through the built program on real checkouts:
// runaway recursion, a table bomb, compile-time code that never ends, and
// macros reaching for the host's libraries each end the run as a pipeline-failure whose
// error names the ci.fnl position.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { PipelineError } from "../src/errors.js";
import { COMPILE_LIMIT_MS, fennelCompiler } from "../src/pipeline/compile.js";
import { loadPipeline } from "../src/pipeline/load.js";
import { BIN, gitCommitAll, readEvents, tempDir, workspaceWith } from "./helpers.js";

/** `quire-ci run` on a one-commit checkout of `ciFnl`: its exit code, output and last event. */
function runPipelineText(ciFnl: string, env: Record<string, string> = {}) {
  return runWorkspace(workspaceWith(ciFnl), env);
}

/** `quire-ci run` on the workspace `ws`, committed first. */
function runWorkspace(ws: string, env: Record<string, string> = {}) {
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

  test("eval-compiler code that never ends stops at the compile limit, once, naming its form", async () => {
    const ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :x [:quire/push] (fn [] nil))
  (eval-compiler (while true nil))
`);
    // The built program: the run's verdict and message.
    const r = runWorkspace(ws);
    expect(r.code).toBe(1);
    expect(r.last).toMatchObject({
      type: "run_finished",
      outcome: "pipeline-failure",
      error: `.quire/ci.fnl:3:2: Compile error: compile-time code did not finish within ${COMPILE_LIMIT_MS} ms`,
    });
    // In process, counting compiles: a compile error is reported against the
    // file as written by compiling it again, but one that ran out of time is
    // not given the time a second time.
    const compile = await fennelCompiler();
    let compiles = 0;
    const started = Date.now();
    const loading = loadPipeline({ workspace: ws, compile: (source, filename) => (compiles++, compile(source, filename)) });
    await expect(loading).rejects.toThrow(PipelineError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(COMPILE_LIMIT_MS);
    expect(compiles).toBe(1);
  }, 10 * COMPILE_LIMIT_MS);

  test("a table bomb stops at the default memory limit, even under pcall, naming the line that grew it", () => {
    const r = runPipelineText(`(local ci (require :quire.ci))
(ci.job :bomb [:quire/push]
  (fn []
    (local t [])
    (pcall (fn []
             (for [i 1 100000000]
               (tset t i [i i i i]))))
    (error "pcall must not have caught the memory limit")))
`);
    expect(r.code).toBe(1);
    expect(r.events.find((e) => e.type === "job_finished")).toMatchObject({ job_id: "bomb", outcome: "failed", error: ".quire/ci.fnl:7: memory limit of 512 MiB reached" });
    expect(r.last).toMatchObject({ type: "run_finished", outcome: "pipeline-failure" });
  }, 120_000);

  test("one allocation past the memory limit stops the job at its line, and pcall cannot catch it", () => {
    const r = runPipelineText(`(local ci (require :quire.ci))
(ci.job :huge [:quire/push]
  (fn []
    (local (ok e) (pcall string.rep "x" 2e9))
    (error (.. "pcall caught it: " (tostring e)))))
`);
    expect(r.code).toBe(1);
    expect(r.events.find((e) => e.type === "job_finished")).toMatchObject({ job_id: "huge", outcome: "failed", error: ".quire/ci.fnl:4: memory limit of 512 MiB reached" });
    expect(r.last).toMatchObject({ type: "run_finished", outcome: "pipeline-failure" });
  });

  test("a string-building bomb stops at the memory limit, at the line that grew it", () => {
    const r = runPipelineText(`(local ci (require :quire.ci))
(ci.job :strings [:quire/push]
  (fn []
    (var s "")
    (local chunk (string.rep "x" 1000000))
    (xpcall #(while true (set s (.. s chunk s)))
            #:handled)
    (error "xpcall must not have caught the memory limit")))
`);
    expect(r.code).toBe(1);
    expect(r.events.find((e) => e.type === "job_finished")).toMatchObject({ job_id: "strings", outcome: "failed", error: ".quire/ci.fnl:6: memory limit of 512 MiB reached" });
  }, 30_000);

  test("ci.fnl's body is held to the memory limit too", () => {
    const r = runPipelineText(`(local ci (require :quire.ci))
(local t [])
(for [i 1 100000000] (tset t i [i i i i]))
(ci.job :never [:quire/push] (fn [] nil))
`);
    expect(r.code).toBe(1);
    expect(r.last).toMatchObject({ type: "run_finished", outcome: "pipeline-failure", error: ".quire/ci.fnl:3: memory limit of 512 MiB reached" });
  }, 120_000);

  test.for(["io", "os", "debug"])("a macro's (require :%s) is refused at the macro's call", (lib) => {
    const r = runPipelineText(`(local ci (require :quire.ci))
(macro reach [] (let [lib (require :${lib})] (tostring lib)))
(ci.job :x [:quire/push] (fn [] (reach)))
`);
    expect(r.code).toBe(1);
    expect(r.last).toMatchObject({ type: "run_finished", outcome: "pipeline-failure", error: `.quire/ci.fnl:3:32: Compile error: ${lib} module not found.` });
  });
});
