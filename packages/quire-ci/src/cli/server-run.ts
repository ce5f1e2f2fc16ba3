// Server mode once the bootstrap request is out (see server.ts): while the
// answer is on its way, the pipeline loads (the Lua VM's WebAssembly compiles,
// ci.fnl compiles and registers its jobs), since loading needs only the
// workspace. Then the payload is checked, the event sinks open, and it runs.
import fs from "node:fs";
import path from "node:path";
import { warmUp } from "fennel-js";
import { ServerApiError } from "../errors.js";
import { EventEmitter } from "../events/emitter.js";
import { HttpEventSink } from "../events/http-sink.js";
import { JsonlSink } from "../events/jsonl-sink.js";
import { runPipeline } from "../executor/run-pipeline.js";
import { fennelCompiler } from "../pipeline/compile.js";
import { loadPipeline } from "../pipeline/load.js";
import { startLauncher } from "../runtime/launcher.js";
import { Redactor } from "../runtime/redact.js";
import { RunStop } from "../runtime/run-stop.js";
import { EXIT_STORAGE_ERROR } from "../wire.js";
import { checkBootstrapPayload } from "./bootstrap-payload.js";
import { serverSecrets } from "./secrets.js";
import type { ServerRun } from "./server.js";
import { TerminalReporter } from "./terminal-reporter.js";

export async function runServer(run: ServerRun): Promise<number> {
  const { client } = run;
  void warmUp();
  const warn = (m: string): void => void process.stderr.write(`quire-ci: ${m}\n`);
  const workspace = fs.realpathSync(process.cwd());
  const compile = await fennelCompiler();
  const loading = loadPipeline({ workspace, compile, warn });
  loading.catch(() => undefined); // runPipeline takes it over
  const launcher = startLauncher();

  let payload;
  try {
    payload = checkBootstrapPayload(await run.payload);
  } catch (e) {
    if (e instanceof ServerApiError) throw e;
    throw new ServerApiError(`the bootstrap payload is malformed: ${(e as Error).message}`);
  }
  const outDir = path.resolve(run.outDir);
  fs.mkdirSync(outDir, { recursive: true });

  const redactor = new Redactor();
  const emitter = new EventEmitter(redactor);
  const stop = new RunStop();
  emitter.addSink(new JsonlSink(path.resolve(run.eventsFile), (e, file) => stop.writeFailed(e, file)));
  emitter.addSink(new HttpEventSink(client, { warn }));
  const log = new TerminalReporter(process.stderr, { color: false, prefixJobs: true, showOutput: false, timestamps: true });
  emitter.addSink(log);
  process.stderr.write(`${new Date().toISOString()} run ${payload.run_id} of ${payload.repo} ${payload.ref} at ${payload.sha}\n`);

  const result = await runPipeline({
    workspace,
    outDir,
    push: payload.push,
    queuedAtMs: payload.queued_at_ms,
    secrets: serverSecrets(client, payload.secret_names),
    maxParallel: payload.settings.max_parallel_jobs,
    logCaps: { shCap: payload.settings.sh_log_cap_bytes, runCap: payload.settings.run_log_cap_bytes, freeSpace: payload.settings.log_free_space_bytes },
    ...(payload.settings.pipeline_memory_bytes === undefined ? {} : { memoryLimitBytes: payload.settings.pipeline_memory_bytes }),
    stop,
    emitter,
    redactor,
    compile,
    loading,
    // Output lines stay in the log files; quire-ci.log shows only (log …) messages.
    observer: { onLog: (jobId, message) => log.onLog(jobId, message) },
    warn,
    launcher,
  });
  launcher.close();
  await emitter.close();
  client.close();
  log.summary(result);
  // A run that could not write its files was not judged: the status says why.
  return result.stopped?.storage ? EXIT_STORAGE_ERROR : 0;
}
