// `(log msg)`: a message from the pipeline, redacted, appended to
// <out-dir>/jobs/<job>/log.log (CRI format) and shown on the terminal.
import fs from "node:fs";
import path from "node:path";
import { rfc3339Nano } from "./cri-log.js";
import { ok, type HostResult, type RuntimeContext } from "./context.js";

export function jobLogDir(ctx: RuntimeContext, jobId: string): string {
  const dir = path.join(ctx.outDir, "jobs", jobId);
  const state = ctx.jobs.get(jobId);
  if (!state?.logDirMade) {
    fs.mkdirSync(dir, { recursive: true });
    if (state) state.logDirMade = true;
  }
  return dir;
}

export function logPrimitive(ctx: RuntimeContext, jobId: string, message: string): HostResult {
  const text = ctx.redactor.redact(message);
  const lines = text.split("\n").map((l) => `${rfc3339Nano()} stdout F ${l}\n`).join("");
  fs.appendFileSync(path.join(jobLogDir(ctx, jobId), "log.log"), lines);
  ctx.observer?.onLog?.(jobId, text);
  return ok();
}
