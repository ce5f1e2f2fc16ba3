// `(log msg)`: a message from the pipeline, redacted, appended to
// <out-dir>/jobs/<job>/log.log (quire log format, see log-file.ts) and shown
// on the terminal. Also where a job's log directory is made.
import fs from "node:fs";
import path from "node:path";
import { LogFile } from "./log-file.js";
import { ok, type HostResult, type JobState, type RuntimeContext } from "./context.js";

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
  const job = ctx.jobs.get(jobId);
  let file = job?.messages;
  if (file === undefined) {
    file = new LogFile(path.join(jobLogDir(ctx, jobId), "log.log"), {
      redactor: ctx.redactor,
      budget: ctx.logBudget,
      sync: true,
      onWriteError: (e, f) => ctx.stop.writeFailed(e, f),
    });
    if (job) job.messages = file;
  }
  file.write("stdout", Buffer.from(message.endsWith("\n") ? message : message + "\n"));
  if (job === undefined) void file.close();
  ctx.observer?.onLog?.(jobId, ctx.redactor.redact(message));
  return ok();
}

/** Close the job's log.log, if its run-fn wrote one. A later `(log …)` opens it again. */
export async function closeJobLog(job: JobState): Promise<void> {
  const file = job.messages;
  job.messages = undefined;
  await file?.close();
}
