// The events quire-ci emits (SPEC §6): one JSON object per line in
// events.jsonl and one per POST /api/run/events. Every event carries a
// per-run `seq` (1, 2, 3…) and `at_ms`.
import { z } from "zod";
import { SchemaError, describeIssues, parseWith } from "./schema-errors.js";

/**
 * What is wrong with `id` as a job id, or undefined when it is a good one.
 * A job id names a directory of the run's logs (`jobs/<id>/`) and a row, so:
 * non-empty, at most 200 characters and 255 bytes of UTF-8, no `/` or NUL,
 * not `.` or `..`, and text (a byte string that is not UTF-8 reaches the host
 * with U+FFFD in it, and two such ids would collide). quire-ci checks each
 * ci.job call with it and says what is wrong at ci.fnl:LINE.
 */
export function jobIdProblem(id: string): string | undefined {
  if (id.length === 0) return "a job id cannot be empty";
  if (id.length > 200) return `a job id is at most 200 characters (this one has ${id.length})`;
  if (Buffer.byteLength(id) > 255) return `a job id is at most 255 bytes of UTF-8 (this one has ${Buffer.byteLength(id)})`;
  if (id.includes("/")) return 'a job id cannot contain "/"';
  if (id.includes("\0")) return "a job id cannot contain a NUL byte";
  if (id === "." || id === "..") return `a job id cannot be "${id}"`;
  if (id.includes("\uFFFD")) return "a job id must be UTF-8 text (it has bytes that are not, or U+FFFD)";
  return undefined;
}

/** A job id as ci.fnl declares it (jobIdProblem). */
export const jobIdSchema = z.string().superRefine((s, ctx) => {
  const problem = jobIdProblem(s);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

const base = {
  seq: z.number().int("seq must be an integer").min(1, "seq starts at 1"),
  at_ms: z.number().int("at_ms must be an integer (milliseconds since the epoch)").nonnegative(),
};

export const jobStartedSchema = z.object({ ...base, type: z.literal("job_started"), job_id: jobIdSchema }).strict();

export const jobFinishedSchema = z
  .object({
    ...base,
    type: z.literal("job_finished"),
    job_id: jobIdSchema,
    outcome: z.enum(["complete", "failed"]),
    /** Message of a failed job, with its ci.fnl position when known. */
    error: z.string().optional(),
    /** True when the job failed because it ran past its `:timeout`. */
    timed_out: z.boolean().optional(),
  })
  .strict();

export const jobSkippedSchema = z
  .object({ ...base, type: z.literal("job_skipped"), job_id: jobIdSchema, reason: z.string() })
  .strict();

const shN = z.number().int("n must be an integer").min(1, "n counts sh calls of a job from 1");

export const shStartedSchema = z
  .object({
    ...base,
    type: z.literal("sh_started"),
    job_id: jobIdSchema,
    n: shN,
    /** The command as run, secrets redacted; argv is shown shell-quoted. */
    cmd: z.string(),
  })
  .strict();

export const shFinishedSchema = z
  .object({
    ...base,
    type: z.literal("sh_finished"),
    job_id: jobIdSchema,
    n: shN,
    /** Exit status; a command killed by a signal reports 128 + signal number. */
    exit_code: z.number().int("exit_code must be an integer"),
    /** Present when the sh's log was cut at a cap or for want of free space (the log says where). */
    log_cut: z
      .object({
        /** `sh`: the log's own cap (:sh-log-cap); `run`: the run's (:run-log-cap); `disk`: the free-space reserve (:log-free-space). */
        cap: z.enum(["sh", "run", "disk"]),
        limit_bytes: z.number().int().nonnegative(),
        /** Output bytes not kept. */
        dropped_bytes: z.number().int().nonnegative(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * `success` and `pipeline-failure` are SPEC §6's outcomes; `timed-out` says a
 * job ran past its `:timeout` and the run should resolve `failed/timed-out`.
 */
export const RUN_OUTCOMES = ["success", "pipeline-failure", "timed-out"] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const runFinishedSchema = z
  .object({
    ...base,
    type: z.literal("run_finished"),
    outcome: z.enum(RUN_OUTCOMES),
    error: z.string().optional(),
  })
  .strict();

/** The source every pipeline starts from (SPEC §4); the only input that is not a job id. */
export const PUSH_SOURCE = "quire/push";

/** One job as ci.fnl declared it, after validation. */
export const pipelineJobSchema = z
  .object({
    job_id: jobIdSchema,
    /** Job ids and the source `quire/push`, as declared. */
    inputs: z.array(z.string().min(1, "an input cannot be empty")).min(1, "a job has at least one input").max(1000),
    allow_failure: z.boolean(),
    /** The job's `:timeout`, in milliseconds, when it has one. */
    timeout_ms: z.number().int("timeout_ms must be an integer").positive("timeout_ms must be positive").optional(),
  })
  .strict();

/**
 * The job graph the pipeline declared, sent once right after ci.fnl compiled
 * and validated and before any job runs; jobs in declaration order (none for
 * a pipeline that registers no jobs: its run succeeds). A run without it
 * never got a valid pipeline.
 */
export const pipelineValidatedSchema = z
  .object({
    ...base,
    type: z.literal("pipeline_validated"),
    jobs: z
      .array(pipelineJobSchema)
      .max(10_000, "a pipeline has at most 10000 jobs")
      .refine((jobs) => new Set(jobs.map((j) => j.job_id)).size === jobs.length, "job ids must be unique"),
  })
  .strict();

export const runEventSchema = z.discriminatedUnion("type", [
  pipelineValidatedSchema,
  jobStartedSchema,
  jobFinishedSchema,
  jobSkippedSchema,
  shStartedSchema,
  shFinishedSchema,
  runFinishedSchema,
]);

export type PipelineJob = z.infer<typeof pipelineJobSchema>;
export type PipelineValidatedEvent = z.infer<typeof pipelineValidatedSchema>;
export type JobStartedEvent = z.infer<typeof jobStartedSchema>;
export type JobFinishedEvent = z.infer<typeof jobFinishedSchema>;
export type JobSkippedEvent = z.infer<typeof jobSkippedSchema>;
export type ShStartedEvent = z.infer<typeof shStartedSchema>;
export type ShFinishedEvent = z.infer<typeof shFinishedSchema>;
export type RunFinishedEvent = z.infer<typeof runFinishedSchema>;
export type RunEvent = z.infer<typeof runEventSchema>;
export type RunEventType = RunEvent["type"];
export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  "pipeline_validated",
  "job_started",
  "job_finished",
  "job_skipped",
  "sh_started",
  "sh_finished",
  "run_finished",
];

/** An event as built by quire-ci before it is numbered. */
export type UnsequencedEvent = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, "seq" | "at_ms"> : never) : never;

/** Parse an already-decoded value as an event; throws SchemaError naming the field. */
export function parseEvent(value: unknown): RunEvent {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const type = (value as { type?: unknown }).type;
    if (type === undefined) throw new SchemaError("event", ['field "type" is missing']);
    if (typeof type !== "string" || !(RUN_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new SchemaError("event", [
        `field "type": unknown event type ${JSON.stringify(type)}; expected one of ${RUN_EVENT_TYPES.join(", ")}`,
      ]);
    }
  }
  return parseWith(runEventSchema, "event", value);
}

export type EventLineResult = { ok: true; event: RunEvent } | { ok: false; error: string };

/** Parse one line of events.jsonl. Never throws: a bad line yields a reason. */
export function parseEventLine(line: string): EventLineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
  }
  const result = runEventSchema.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  try {
    parseEvent(value);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  return { ok: false, error: `invalid event: ${describeIssues(result.error).join("; ")}` };
}

/** Serialize an event as one JSONL line (with the trailing newline). */
export function formatEventLine(event: RunEvent): string {
  return JSON.stringify(event) + "\n";
}
