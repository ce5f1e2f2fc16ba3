// Loading a pipeline: read .quire/ci.fnl, compile it, evaluate it in a fresh
// hardened VM (which registers the jobs), then validate. Every problem found
// is collected into one PipelineError with ci.fnl positions.
import fs from "node:fs";
import path from "node:path";
import { PipelineError, type Diagnostic } from "../errors.js";
import { createHostFunctions, type HostBinding } from "../runtime/host.js";
import { compileErrorDiagnostic, isCompileTimeout, type CompiledChunk, type CompileFn } from "./compile.js";
import { topologicalOrder } from "./graph.js";
import { PipelineRegistry } from "./register.js";
import type { JobSpec, Pipeline } from "./types.js";
import { validateGraph } from "./validate.js";
import { PipelineVm } from "./vm.js";

export const CI_FILE = ".quire/ci.fnl";
/** How the pipeline file is named in messages: the path as the user knows it. */
export const CI_NAME = CI_FILE;

export interface LoadedPipeline {
  pipeline: Pipeline;
  /** Jobs in execution order: topological, ties in declaration order. */
  order: JobSpec[];
  vm: PipelineVm;
  binding: HostBinding;
}

export interface LoadOptions {
  /** Real path of the workspace (the checkout). */
  workspace: string;
  compile: CompileFn;
  /** Most bytes the pipeline's Lua may hold; default DEFAULT_MEMORY_LIMIT. */
  memoryLimitBytes?: number;
  warn?: (message: string) => void;
}

/** A runtime error text `ci.fnl:12: message` as a Diagnostic. */
export function runtimeDiagnostic(message: string, fallbackFile: string): Diagnostic {
  const m = /^([^\s:]+\.fnl):(\d+): ([\s\S]*)$/.exec(message);
  if (m) return { file: m[1]!, line: Number(m[2]), message: m[3]! };
  return { file: fallbackFile, message };
}

/** Read and compile ci.fnl, or throw its compile error as a PipelineError. */
function compileMain(options: LoadOptions): { source: string; compiled: CompiledChunk } {
  const file = path.join(options.workspace, CI_FILE);
  let source: string;
  try {
    source = fs.readFileSync(file, "utf8");
  } catch {
    throw new PipelineError([
      { file: CI_FILE, message: `no pipeline: ${CI_FILE} is missing from the workspace`, hint: "add .quire/ci.fnl that registers jobs with (ci.job ...)" },
    ]);
  }
  try {
    // A trailing nil keeps the last form out of tail position, so a final
    // (ci.job …) is a real call whose caller line Lua can still report.
    return { source, compiled: options.compile(`${source}\nnil`, CI_NAME) };
  } catch (e) {
    // Errors are reported against the file as written; compile-time code
    // that ran out of time is not given that time again.
    let error = e;
    if (!isCompileTimeout(e)) {
      try {
        options.compile(source, CI_NAME);
      } catch (asWritten) {
        error = asWritten;
      }
    }
    throw new PipelineError([compileErrorDiagnostic(error, CI_NAME)]);
  }
}

export async function loadPipeline(options: LoadOptions): Promise<LoadedPipeline> {
  const registry = new PipelineRegistry();
  const sources = new Map<string, string>();
  let vm: PipelineVm | undefined;
  const binding: HostBinding = {
    workspace: options.workspace,
    registry,
    sources,
    mapPositions: (text) => vm?.mapPositions(text) ?? {},
    ...(options.warn ? { warn: options.warn } : {}),
  };
  // The VM builds (its WebAssembly compiles off the main thread) while ci.fnl compiles.
  const vmReady = PipelineVm.create(options.workspace, createHostFunctions(binding), options.memoryLimitBytes);
  vmReady.catch(() => undefined); // awaited below unless ci.fnl is refused first
  let main: { source: string; compiled: CompiledChunk };
  try {
    main = compileMain(options);
  } catch (e) {
    void vmReady.then((v) => v.close(), () => undefined);
    throw e;
  }
  vm = await vmReady;
  sources.set(CI_NAME, main.source);
  const loaded = await vm.loadMain(main.compiled, CI_NAME);
  const diagnostics: Diagnostic[] = [];
  if (loaded.status === "error") {
    diagnostics.push(runtimeDiagnostic(loaded.message, CI_NAME));
  }
  diagnostics.push(...registry.diagnostics);
  if (loaded.status === "ok") {
    diagnostics.push(...validateGraph(registry.jobs));
  }
  if (diagnostics.length > 0) {
    vm.close();
    throw new PipelineError(diagnostics);
  }
  const pipeline = registry.pipeline();
  return { pipeline, order: topologicalOrder(pipeline.jobs), vm, binding };
}
