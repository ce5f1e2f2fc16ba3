// Public API of @quire/ci: the engine behind the quire-ci program, for tests
// and tools that run a pipeline in-process.
export { runPipeline, shEnvironment, pushForLua, type RunPipelineOptions } from "./executor/run-pipeline.js";
export type { RunResult, JobResult } from "./executor/outcome.js";
export { loadPipeline, CI_FILE, type LoadedPipeline } from "./pipeline/load.js";
export { fennelCompiler, type CompileFn } from "./pipeline/compile.js";
export { EventEmitter, type EventSink } from "./events/emitter.js";
export { JsonlSink } from "./events/jsonl-sink.js";
export { HttpEventSink } from "./events/http-sink.js";
export { HttpClient } from "./events/http-client.js";
export { Redactor } from "./runtime/redact.js";
export { PipelineError, QuireCiError, formatDiagnostic, type Diagnostic } from "./errors.js";
