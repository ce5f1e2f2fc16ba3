// The payload of GET /api/run/bootstrap (SPEC §6): what quire-ci learns about
// its run when it starts. Returned once; the call moves the run pending→active.
import { z } from "zod";
import { parseWith } from "./schema-errors.js";
import { pushOutputsSchema } from "./push.js";

export const bootstrapPayloadSchema = z
  .object({
    run_id: z.string().min(1),
    repo: z.string(),
    ref: z.string(),
    sha: z.string(),
    queued_at_ms: z.number().int(),
    started_at_ms: z.number().int(),
    /** The `:quire/push` outputs. */
    push: pushOutputsSchema,
    /** Names of the secrets this run may reveal with GET /api/run/secret/:name. */
    secret_names: z.array(z.string()),
    settings: z
      .object({
        /** How many independent jobs may run at once (config :max-parallel-jobs). */
        max_parallel_jobs: z.number().int().min(1),
        /** Most bytes one sh log may hold (config :sh-log-cap); quire-ci's default when absent. */
        sh_log_cap_bytes: z.number().int().min(0).optional(),
        /** Most bytes the pipeline's Lua may hold (config :pipeline-memory); quire-ci's default when absent. */
        pipeline_memory_bytes: z.number().int().min(1).optional(),
        /** Most bytes all logs of the run may hold together (config :run-log-cap). */
        run_log_cap_bytes: z.number().int().min(0).optional(),
        /** Bytes the run's logs must leave free on the run directory's filesystem (config :log-free-space; 0: no reserve); quire-ci's default when absent. */
        log_free_space_bytes: z.number().int().min(0).optional(),
      })
      .strict(),
  })
  .strict();
export type BootstrapPayload = z.infer<typeof bootstrapPayloadSchema>;

export function parseBootstrapPayload(value: unknown): BootstrapPayload {
  return parseWith(bootstrapPayloadSchema, "bootstrap payload", value);
}

/** Environment variable names of the server ↔ quire-ci contract. */
export const ENV_SERVER_URL = "QUIRE__SERVER_URL";
/**
 * The number of the file descriptor on which the executor reads its run
 * token (one line, then end of file). The token itself is never in the
 * environment or argv, where the run's own processes could read it.
 */
export const ENV_TOKEN_FD = "QUIRE__TOKEN_FD";
/** Every variable with this prefix is stripped from what `sh` commands inherit. */
export const ENV_INTERNAL_PREFIX = "QUIRE__";
