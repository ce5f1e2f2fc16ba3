// Public API of @quire/server: the database, the run lifecycle, the HTTP app
// and the composition that starts it all.
export * from "./errors.js";
export * from "./db/index.js";
export * from "./config/data-dir.js";
export * from "./config/types.js";
export { transitionRun, isAllowedEdge, RUN_EDGES, PENDING_FAILURE_KINDS, type TransitionOptions } from "./runs/transition.js";
export { finalizeJobs } from "./runs/jobs.js";
export { createRun, type CreateRunInput, type CreateRunOptions, type CreatedRun } from "./runs/create.js";
export { supersedeOlder, stopProcesses, type StoppedRun } from "./runs/supersede.js";
export { cancelRun, type CancelResult } from "./runs/cancel.js";
export { applyEvent, type ApplyMode, type ApplyResult } from "./runs/apply-event.js";
export { ingestEventsFile, type IngestReport, type IngestProblem } from "./runs/ingest.js";
export { resolveAfterExit, exitCodeOf, type ExitStatus, type Resolution } from "./runs/outcome.js";
export { reconcileOrphans, type OrphanReport } from "./runs/orphans.js";
export { enforceRunTimeout, type WatchdogOptions, type WatchdogResult } from "./runs/watchdog.js";
export { startRunQueue, recordSpawn, type RunQueue, type RunQueueOptions, type PrepareRun } from "./runs/queue.js";
export { spawnExecutor, defaultExecutor, runDirs, type ExecutorCommand, type RunDirs } from "./runs/spawn.js";
export { killProcessGroup, isProcessGroupAlive } from "./runs/process-group.js";
export { newRunToken, hashRunToken, tokenMatches } from "./runs/tokens.js";
export { createApp, type AppOptions } from "./http/app.js";
export { startQuire, serverUrlFor, type StartQuireOptions, type QuireHandle, type QuireContext, type Listener, type Closer } from "./serve/start.js";
