import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatEventLine, parseEvent, parseEventLine, type RunEvent } from "./events.js";
import { SchemaError } from "./schema-errors.js";

const valid: RunEvent[] = [
  {
    seq: 1,
    at_ms: 9,
    type: "pipeline_validated",
    jobs: [
      { job_id: "test", inputs: ["quire/push"], allow_failure: false },
      { job_id: "lint", inputs: ["quire/push"], allow_failure: true, timeout_ms: 30_000 },
      { job_id: "pkg", inputs: ["test", "lint"], allow_failure: false },
    ],
  },
  { seq: 1, at_ms: 10, type: "job_started", job_id: "test" },
  { seq: 2, at_ms: 11, type: "sh_started", job_id: "test", n: 1, cmd: "npm test" },
  { seq: 3, at_ms: 12, type: "sh_finished", job_id: "test", n: 1, exit_code: 0 },
  { seq: 4, at_ms: 13, type: "job_finished", job_id: "test", outcome: "failed", error: "ci.fnl:3:4: boom" },
  { seq: 5, at_ms: 14, type: "job_skipped", job_id: "pkg", reason: "test failed" },
  { seq: 6, at_ms: 15, type: "run_finished", outcome: "pipeline-failure" },
];

describe("events", () => {
  it("round-trips every event type through a JSONL line", () => {
    for (const e of valid) {
      const line = formatEventLine(e);
      expect(line.endsWith("\n")).toBe(true);
      expect(parseEventLine(line.trimEnd())).toEqual({ ok: true, event: e });
    }
  });

  it("names the offending field", () => {
    expect(() => parseEvent({ seq: 1, at_ms: 1, type: "job_started" })).toThrow(/field "job_id"/);
    expect(() => parseEvent({ seq: 0, at_ms: 1, type: "job_started", job_id: "a" })).toThrow(/field "seq": seq starts at 1/);
    expect(() => parseEvent({ seq: 1, at_ms: 1, type: "job_started", job_id: "a/b" })).toThrow(/cannot contain "\/"/);
    expect(() => parseEvent({ seq: 1, at_ms: 1, type: "sh_finished", job_id: "a", n: 1, exit_code: 1.5 })).toThrow(
      /field "exit_code"/,
    );
    expect(() => parseEvent({ seq: 1, at_ms: 1, type: "nope" })).toThrow(/unknown event type "nope"/);
    expect(() => parseEvent({ seq: 1, at_ms: 1 })).toThrow(/field "type" is missing/);
    expect(() => parseEvent({ seq: 1, at_ms: 1, type: "job_started", job_id: "a", extra: 1 })).toThrow(SchemaError);
  });

  it("takes a pipeline with no jobs; refuses a job graph that repeats a job or leaves a job without inputs", () => {
    const event = (jobs: unknown) => ({ seq: 1, at_ms: 1, type: "pipeline_validated", jobs });
    expect(parseEvent(event([]))).toMatchObject({ type: "pipeline_validated", jobs: [] });
    const job = { job_id: "a", inputs: ["quire/push"], allow_failure: false };
    expect(() => parseEvent(event([job, job]))).toThrow(/job ids must be unique/);
    expect(() => parseEvent(event([{ ...job, inputs: [] }]))).toThrow(/a job has at least one input/);
    expect(() => parseEvent(event([{ ...job, timeout_ms: 0 }]))).toThrow(/timeout_ms must be positive/);
    expect(() => parseEvent(event([{ ...job, allow_failure: "yes" }]))).toThrow(/allow_failure/);
  });

  it("reports garbage lines without throwing", () => {
    expect(parseEventLine("{not json")).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    expect(parseEventLine("[]")).toMatchObject({ ok: false });
    expect(parseEventLine("null")).toMatchObject({ ok: false });
  });

  it("never throws on arbitrary input (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (line) => {
        const r = parseEventLine(line);
        expect(typeof r.ok).toBe("boolean");
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
