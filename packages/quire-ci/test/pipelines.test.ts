// Every folder in test/fixtures/ is a pipeline run for real (real Fennel, real
// Lua VM, real processes) and checked against its expect.json: run outcome,
// job states, errors with ci.fnl positions, logs, recorded commands, files.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { RunEvent } from "@quire/shared";
import { PipelineError } from "../src/errors.js";
import { fennelCompiler } from "../src/pipeline/compile.js";
import { loadPipeline } from "../src/pipeline/load.js";
import { FIXTURES, UPSTREAM_FIXTURES, allFiles, logLines, readEvents, runInProcess, workspaceFrom } from "./helpers.js";

interface Expect {
  outcome: string;
  jobs: Record<string, string>;
  env?: Record<string, string>;
  max_parallel?: number;
  max_ms?: number;
  errors?: Record<string, string>;
  reasons?: Record<string, string>;
  run_error?: string;
  diagnostics?: string[];
  /** Regular expressions the run error must match (positions owned by the compiler). */
  diagnostics_match?: string[];
  timed_out?: string[];
  files?: Record<string, string>;
  absent_files?: string[];
  logs?: Record<string, string[]>;
  logs_exclude?: Record<string, string[]>;
  cmds?: Record<string, string>;
  exit_codes?: Record<string, number>;
  nowhere?: string;
  event_types?: string[];
  /** The jobs of the pipeline_validated event, in declaration order. */
  pipeline?: unknown[];
}

function jobStates(events: RunEvent[]): Record<string, string> {
  const states: Record<string, string> = {};
  for (const e of events) {
    if (e.type === "job_finished") states[e.job_id] = e.outcome;
    if (e.type === "job_skipped") states[e.job_id] = "skipped";
  }
  return states;
}

// Both folders: this project's own scenarios, and pipelines in upstream quire's shapes (upstream/…).
const scenarios = [FIXTURES, UPSTREAM_FIXTURES].flatMap((dir) =>
  fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, "expect.json")))
    .map((d): [string, string] => [dir === FIXTURES ? d : `upstream/${d}`, path.join(dir, d)]),
);

describe("fixture pipelines", () => {
  test.for(scenarios)("%s", async ([, scenario]) => {
    const want = JSON.parse(fs.readFileSync(path.join(scenario, "expect.json"), "utf8")) as Expect;
    const run = await runInProcess(workspaceFrom(scenario), {
      ...(want.env ? { env: want.env } : {}),
      ...(want.max_parallel ? { maxParallel: want.max_parallel } : {}),
    });
    const { events } = run;

    // The record: numbered 1..N, schema-valid on disk, ending in run_finished.
    expect(readEvents(path.join(run.outDir, "events.jsonl"))).toEqual(events);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const last = events.at(-1)!;
    expect(last.type).toBe("run_finished");
    if (last.type !== "run_finished") return;
    expect({ outcome: last.outcome, error: last.error }).toEqual({ outcome: want.outcome, error: want.outcome === "success" ? undefined : last.error });
    expect(run.result.outcome).toBe(want.outcome);
    expect(jobStates(events)).toEqual(want.jobs);
    // A pipeline that validated announces its whole graph first; one that did not, never.
    const graph = events.filter((e) => e.type === "pipeline_validated");
    // (A pipeline that registers no jobs validated too: it announces an empty graph.)
    if (want.outcome !== "success" && Object.keys(want.jobs).length === 0) expect(graph).toEqual([]);
    else {
      expect(events[0]?.type).toBe("pipeline_validated");
      expect(graph).toHaveLength(1);
      const jobs = events[0]!.type === "pipeline_validated" ? events[0]!.jobs : [];
      expect(new Set(jobs.map((j) => j.job_id))).toEqual(new Set(Object.keys(want.jobs)));
      if (want.pipeline) expect(jobs).toEqual(want.pipeline);
    }

    for (const [job, text] of Object.entries(want.errors ?? {})) {
      const finished = events.find((e) => e.type === "job_finished" && e.job_id === job);
      expect(finished && "error" in finished ? finished.error : undefined, `error of ${job}`).toContain(text);
    }
    for (const [job, reason] of Object.entries(want.reasons ?? {})) {
      expect(events.find((e) => e.type === "job_skipped" && e.job_id === job)).toMatchObject({ reason });
    }
    if (want.run_error) expect(last.error).toContain(want.run_error);
    for (const d of want.diagnostics ?? []) expect(last.error, "diagnostics").toContain(d);
    for (const d of want.diagnostics_match ?? []) expect(last.error, "diagnostics").toMatch(new RegExp(d));
    for (const job of want.timed_out ?? []) {
      expect(events.find((e) => e.type === "job_finished" && e.job_id === job)).toMatchObject({ timed_out: true });
    }
    for (const [file, content] of Object.entries(want.files ?? {})) {
      expect(fs.readFileSync(path.join(run.workspace, file), "utf8")).toBe(content);
    }
    for (const file of want.absent_files ?? []) expect(fs.existsSync(path.join(run.workspace, file))).toBe(false);
    for (const [log, lines] of Object.entries(want.logs ?? {})) {
      const file = path.join(run.outDir, "jobs", log);
      expect(fs.readFileSync(file, "utf8"), `header of ${log}`).toMatch(/^\x1eH quire-log 1 \d+\n/);
      const text = logLines(file).join("\n");
      for (const line of lines) expect(text, log).toContain(line);
    }
    for (const [log, lines] of Object.entries(want.logs_exclude ?? {})) {
      const text = logLines(path.join(run.outDir, "jobs", log)).join("\n");
      for (const line of lines) expect(text, log).not.toContain(line);
    }
    for (const [key, cmd] of Object.entries(want.cmds ?? {})) {
      const [job, n] = key.split("/");
      expect(events.find((e) => e.type === "sh_started" && e.job_id === job && e.n === Number(n))).toMatchObject({ cmd });
    }
    for (const [key, code] of Object.entries(want.exit_codes ?? {})) {
      const [job, n] = key.split("/");
      expect(events.find((e) => e.type === "sh_finished" && e.job_id === job && e.n === Number(n))).toMatchObject({ exit_code: code });
    }
    if (want.nowhere) {
      expect(JSON.stringify(events)).not.toContain(want.nowhere);
      for (const [file, content] of allFiles(run.outDir)) expect(content, file).not.toContain(want.nowhere);
    }
    if (want.event_types) expect(events.map((e) => e.type)).toEqual(want.event_types);
    if (want.max_ms) expect(run.elapsedMs).toBeLessThan(want.max_ms);
  });
});

// run and check must agree: a pipeline check rejects is one a run reports as
// pipeline-failure with the same problems, and one check accepts registers the jobs the run ran.
describe("check agrees with run", () => {
  test.each(scenarios)("%s", async (_name, scenario) => {
    const want = JSON.parse(fs.readFileSync(path.join(scenario, "expect.json"), "utf8")) as Expect;
    const ws = workspaceFrom(scenario);
    let checked: string | string[];
    try {
      const loaded = await loadPipeline({ workspace: ws, compile: await fennelCompiler() });
      loaded.vm.close();
      checked = loaded.order.map((j) => j.id);
    } catch (e) {
      if (!(e instanceof PipelineError)) throw e;
      checked = e.summary();
    }
    const run = await runInProcess(workspaceFrom(scenario), {
      ...(want.env ? { env: want.env } : {}),
      ...(want.max_parallel ? { maxParallel: want.max_parallel } : {}),
    });
    if (typeof checked === "string") {
      expect(run.events).toHaveLength(1);
      expect(run.events[0]).toMatchObject({ type: "run_finished", outcome: "pipeline-failure", error: checked });
    } else {
      expect([...checked].sort()).toEqual(Object.keys(want.jobs).sort());
    }
  });
});
