// GET /api/run/bootstrap (SPEC §6): quire-ci's first call. Moves its run
// pending→active (stamping started_at_ms) and returns the BootstrapPayload.
// A second call is refused with 409 already_bootstrapped.
import { parsePushOutputs, type BootstrapPayload } from "@quire/shared";
import { Hono } from "hono";
import type { Db } from "../../db/open.js";
import { HttpError, InvalidTransitionError } from "../../errors.js";
import { transitionRun } from "../../runs/transition.js";
import type { ServerConfig } from "../../config/types.js";
import type { RunTokenEnv } from "../middleware/run-token.js";

export function bootstrapRoute(db: Db, config: Pick<ServerConfig, "secrets" | "maxParallelJobs"> & Partial<Pick<ServerConfig, "shLogCapBytes" | "runLogCapBytes" | "logFreeSpaceBytes" | "pipelineMemoryBytes">>) {
  return new Hono<RunTokenEnv>().get("/", (c) => {
    const run = c.get("run");
    if (run.state !== "pending") {
      throw new HttpError(409, "already_bootstrapped", `run ${run.id} is already ${run.state}; bootstrap is called once per run`);
    }
    let active;
    try {
      active = transitionRun(db, run.id, "pending", "active");
    } catch (e) {
      if (e instanceof InvalidTransitionError) {
        throw new HttpError(409, "already_bootstrapped", `run ${run.id} is already ${e.actual ?? "started"}; bootstrap is called once per run`);
      }
      throw e;
    }
    const payload: BootstrapPayload = {
      run_id: active.id,
      repo: active.repo,
      ref: active.ref,
      sha: active.sha,
      queued_at_ms: active.queuedAtMs,
      started_at_ms: active.startedAtMs!,
      push: parsePushOutputs(JSON.parse(active.pushJson)),
      secret_names: Object.keys(config.secrets).sort(),
      settings: {
        max_parallel_jobs: config.maxParallelJobs,
        ...(config.shLogCapBytes === undefined ? {} : { sh_log_cap_bytes: config.shLogCapBytes }),
        ...(config.runLogCapBytes === undefined ? {} : { run_log_cap_bytes: config.runLogCapBytes }),
        ...(config.logFreeSpaceBytes === undefined || config.logFreeSpaceBytes === null ? {} : { log_free_space_bytes: config.logFreeSpaceBytes }),
        ...(config.pipelineMemoryBytes === undefined ? {} : { pipeline_memory_bytes: config.pipelineMemoryBytes }),
      },
    };
    return c.json(payload);
  });
}
