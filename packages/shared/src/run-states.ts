// Run and job states of SPEC §5, as closed string unions with schemas.
// The allowed edges between them live in the server (runs/transition.ts).
import { z } from "zod";

export const RUN_STATES = ["pending", "active", "complete", "failed", "superseded"] as const;
export type RunState = (typeof RUN_STATES)[number];
export const runStateSchema = z.enum(RUN_STATES);

/** States a run never leaves. */
export const TERMINAL_RUN_STATES: readonly RunState[] = ["complete", "failed", "superseded"];

export function isTerminalRunState(state: RunState): boolean {
  return TERMINAL_RUN_STATES.includes(state);
}

export function parseRunState(value: unknown): RunState {
  return runStateSchema.parse(value);
}

export const JOB_STATES = ["pending", "active", "complete", "failed", "skipped", "aborted"] as const;
export type JobState = (typeof JOB_STATES)[number];
export const jobStateSchema = z.enum(JOB_STATES);

export const TERMINAL_JOB_STATES: readonly JobState[] = ["complete", "failed", "skipped", "aborted"];

export function isTerminalJobState(state: JobState): boolean {
  return TERMINAL_JOB_STATES.includes(state);
}

export function parseJobState(value: unknown): JobState {
  return jobStateSchema.parse(value);
}
