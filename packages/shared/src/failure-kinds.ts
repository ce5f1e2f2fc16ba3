// `failure_kind` values (SPEC §5). The set is open: readers must accept any
// non-empty string; these are the ones quire writes today.
import { z } from "zod";

export const FAILURE_KINDS = [
  "pipeline-failure",
  "process-crashed",
  "orphaned",
  "timed-out",
  "prepare-failed",
  "storage-error",
  /** Stopped by the operator (`quire ci cancel`); shown as "cancelled". */
  "cancelled",
  "resource-limit",
  "runner-lost",
] as const;

export type KnownFailureKind = (typeof FAILURE_KINDS)[number];
/** Any failure kind; the known ones keep their literal types for editors. */
export type FailureKind = KnownFailureKind | (string & {});

export const failureKindSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, "a failure kind is lowercase kebab-case, e.g. \"process-crashed\"");

export function isKnownFailureKind(value: string): value is KnownFailureKind {
  return (FAILURE_KINDS as readonly string[]).includes(value);
}

export function parseFailureKind(value: unknown): FailureKind {
  return failureKindSchema.parse(value);
}
