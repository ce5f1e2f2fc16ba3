// The runner API (docs/SCALING.md): what `quire runner start` and the server
// say to each other under /api/runner/*, bearer runner token. hello once per
// agent start, claim by long-poll, heartbeat while it runs anything, finished
// once per run. The run itself speaks the run API with its own token.
import { z } from "zod";
import { RUNNER_LABEL } from "./runner-labels.js";
import { parseWith } from "./schema-errors.js";

const agentId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "an agent id is 8–64 letters, digits, '_' or '-'");
const label = z.string().regex(RUNNER_LABEL, "a label is lowercase letters, digits, '.', '_' or '-', e.g. arm64");
const runId = z.string().min(1).max(64);

export const helloRequestSchema = z.object({ agent_id: agentId, labels: z.array(label).max(64) }).strict();
export type HelloRequest = z.infer<typeof helloRequestSchema>;

export const helloResponseSchema = z
  .object({
    runner: z.string(),
    max_concurrent_runs: z.number().int().min(1),
    /** How often the agent must say it is alive. */
    heartbeat_ms: z.number().int().min(100),
    /** The server's :runner-timeout: after this long without a word, its runs are lost. */
    timeout_ms: z.number().int().min(100),
    /** The server's per-run limits, which the runner applies too. */
    limits: z.object({ memory_bytes: z.number().int(), processes: z.number().int(), cpu_seconds: z.number() }).strict(),
    /** Runs the previous agent held, now given back or failed as runner-lost. */
    lost: z.array(z.object({ id: runId, outcome: z.enum(["released", "runner-lost"]), requeued_as: runId.optional() }).strict()),
  })
  .strict();
export type HelloResponse = z.infer<typeof helloResponseSchema>;

export const claimRequestSchema = z.object({ agent_id: agentId, wait_ms: z.number().int().min(0).max(60_000).optional() }).strict();
export type ClaimRequest = z.infer<typeof claimRequestSchema>;

export const claimResponseSchema = z
  .object({
    run: z.object({ id: runId, repo: z.string(), ref: z.string(), sha: z.string(), runs_on: z.array(z.string()) }).strict(),
    /** The run's bearer token, for quire-ci (on a file descriptor) and the run's own calls. */
    token: z.string().min(1),
    /** Where the runner's quire-ci.log continues the server's copy. */
    log_offset: z.number().int().min(0),
  })
  .strict();
export type ClaimResponse = z.infer<typeof claimResponseSchema>;

export const heartbeatRequestSchema = z.object({ agent_id: agentId, running: z.array(runId).max(1024) }).strict();
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;

export const heartbeatResponseSchema = z.object({ stop: z.array(runId) }).strict();
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

export const finishedRequestSchema = z
  .object({
    agent_id: agentId,
    run_id: runId,
    exit: z.object({ code: z.number().int().nullable(), signal: z.string().nullable() }).strict(),
    /** The run went over a limit on the runner's host. */
    limit_hit: z.object({ limit: z.enum(["memory", "processes", "cpu-time"]), message: z.string().max(2000) }).strict().optional(),
    /** The runner's sandbox could not start, in its own words. */
    setup_failure: z.string().max(4000).optional(),
  })
  .strict();
export type FinishedRequest = z.infer<typeof finishedRequestSchema>;

export const finishedResponseSchema = z.object({ state: z.string(), failure_kind: z.string().nullable() }).strict();
export type FinishedResponse = z.infer<typeof finishedResponseSchema>;

export function parseHelloRequest(v: unknown): HelloRequest {
  return parseWith(helloRequestSchema, "hello request", v);
}
export function parseHelloResponse(v: unknown): HelloResponse {
  return parseWith(helloResponseSchema, "hello answer", v);
}
export function parseClaimRequest(v: unknown): ClaimRequest {
  return parseWith(claimRequestSchema, "claim request", v);
}
export function parseClaimResponse(v: unknown): ClaimResponse {
  return parseWith(claimResponseSchema, "claim answer", v);
}
export function parseHeartbeatRequest(v: unknown): HeartbeatRequest {
  return parseWith(heartbeatRequestSchema, "heartbeat", v);
}
export function parseHeartbeatResponse(v: unknown): HeartbeatResponse {
  return parseWith(heartbeatResponseSchema, "heartbeat answer", v);
}
export function parseFinishedRequest(v: unknown): FinishedRequest {
  return parseWith(finishedRequestSchema, "finished request", v);
}
export function parseFinishedResponse(v: unknown): FinishedResponse {
  return parseWith(finishedResponseSchema, "finished answer", v);
}
