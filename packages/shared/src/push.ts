// The push event `quire hook post-receive` sends over <data>/server.sock
// (SPEC §3), and the `:quire/push` outputs a pipeline sees (SPEC §4).
import { z } from "zod";
import { parseWith } from "./schema-errors.js";

/** A full object name: 40 hex digits (SHA-1) or 64 (SHA-256). */
export const shaSchema = z
  .string()
  .regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, "expected a full lowercase hex object name (40 or 64 digits)");

export const ZERO_SHA = "0000000000000000000000000000000000000000";

/** True for the all-zeros name git uses for a created or deleted ref. */
export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha);
}

export const refUpdateSchema = z
  .object({
    ref: z
      .string()
      .regex(/^refs\/[^\s\0]+$/, "expected a full ref name such as refs/heads/main")
      .max(1024),
    old_sha: shaSchema,
    new_sha: shaSchema,
  })
  .strict();
export type RefUpdate = z.infer<typeof refUpdateSchema>;

export const pushEventSchema = z
  .object({
    type: z.literal("push"),
    /**
     * Chosen by the hook, so the same push sent twice (a reply that never
     * came, then the spool) starts its runs once: the server keeps the ids it
     * handled in its `pushes` table. Absent in events of older hooks.
     */
    push_id: z
      .string()
      .regex(/^[0-9a-z-]{16,64}$/, "a push id is 16 to 64 characters of 0-9, a-z and -")
      .optional(),
    repo: z.string().min(1, "repo cannot be empty").max(300),
    pushed_at_ms: z.number().int().nonnegative(),
    pusher: z.string().max(200).optional(),
    refs: z.array(refUpdateSchema).min(1, "a push updates at least one ref").max(10_000),
  })
  .strict();
export type PushEvent = z.infer<typeof pushEventSchema>;

/** Parse a decoded push event; throws SchemaError naming the field. */
export function parsePushEvent(value: unknown): PushEvent {
  return parseWith(pushEventSchema, "push event", value);
}

/** What `(jobs :quire/push)` returns, in wire (snake_case) form. */
export const pushOutputsSchema = z
  .object({
    sha: shaSchema,
    ref: z.string(),
    /** Branch name without `refs/heads/`, or null for a tag push. */
    branch: z.string().nullable(),
    /** Tag name without `refs/tags/`, or null for a branch push. */
    tag: z.string().nullable(),
    /** The ref's previous sha, or null when the ref was created. */
    previous_sha: shaSchema.nullable(),
    files_changed: z.array(z.string()),
    pusher: z.string().nullable(),
    commit_message: z.string(),
    repo: z.string(),
    /** When the push reached the hook (ms since the epoch); absent in runs recorded before it was kept. */
    pushed_at_ms: z.number().int().nonnegative().optional(),
  })
  .strict();
export type PushOutputs = z.infer<typeof pushOutputsSchema>;

export function parsePushOutputs(value: unknown): PushOutputs {
  return parseWith(pushOutputsSchema, "push outputs", value);
}

/** The branch or tag named by a full ref. */
export function refParts(ref: string): { branch: string | null; tag: string | null } {
  if (ref.startsWith("refs/heads/")) return { branch: ref.slice("refs/heads/".length), tag: null };
  if (ref.startsWith("refs/tags/")) return { branch: null, tag: ref.slice("refs/tags/".length) };
  return { branch: null, tag: null };
}
