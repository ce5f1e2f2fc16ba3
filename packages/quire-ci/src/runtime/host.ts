// Binds the VM's host functions to quire-ci: registration goes to the
// PipelineRegistry, primitives to runtime/*.ts with the run's context,
// `require` to .quire/lib/*.fnl through the compiler.
import fs from "node:fs";
import type { VmHostFunctions } from "../lua/vm.js";
import { ChunkRegistry, callColumn } from "../lua/chunks.js";
import type { CompileFn } from "../pipeline/compile.js";
import type { PipelineRegistry } from "../pipeline/register.js";
import type { SourcePosition } from "../pipeline/types.js";
import { fail, ok, type HostResult, type JobState, type RuntimeContext } from "./context.js";
import { envPrimitive } from "./env.js";
import { readFilePrimitive, readJsonPrimitive, writeFilePrimitive } from "./files.js";
import { logPrimitive } from "./log.js";
import { secretPrimitive } from "./secret.js";
import { shPrimitive } from "./sh.js";
import { resolveInWorkspace } from "./workspace-path.js";

export const LIB_DIR = ".quire/lib";

export interface HostBinding {
  workspace: string;
  registry: PipelineRegistry;
  chunks: ChunkRegistry;
  compile: CompileFn;
  /** Set once the run starts; load-time calls of primitives never reach the host. */
  ctx?: RuntimeContext;
  /** Where print/log outside a job go. */
  warn?: (message: string) => void;
}

function position(b: HostBinding, file: string, line: number, callee: string): SourcePosition {
  const pos = b.chunks.position(file, line);
  if (pos.line === undefined) return { file: pos.file };
  const col = callColumn(b.chunks.sourceLine(pos.file, pos.line), callee);
  return { file: pos.file, line: pos.line, ...(col === undefined ? {} : { col }) };
}

function jobState(b: HostBinding, jobId: string): { ctx: RuntimeContext; job: JobState } {
  const ctx = b.ctx;
  const job = ctx?.jobs.get(jobId);
  if (!ctx || !job) throw new Error(`internal: no running job "${jobId}"`);
  return { ctx, job };
}

function findModule(b: HostBinding, name: unknown): HostResult {
  if (typeof name !== "string" || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(name)) {
    return fail(`require: ${JSON.stringify(name)} is not a module name; modules are .quire/lib/NAME.fnl, required as (require :NAME)`);
  }
  const rel = name.split(".").join("/");
  const candidates = [`${LIB_DIR}/${rel}.fnl`, `${LIB_DIR}/${rel}/init.fnl`];
  for (const candidate of candidates) {
    let abs: string;
    try {
      abs = resolveInWorkspace(b.workspace, candidate, "require: module path");
    } catch (e) {
      return fail((e as Error).message);
    }
    if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) continue;
    const source = fs.readFileSync(abs, "utf8");
    try {
      const compiled = b.compile(source, candidate);
      const chunkname = b.chunks.add({ file: candidate, lines: compiled.lines, source });
      return ok({ lua: compiled.lua, chunkname, path: candidate });
    } catch (e) {
      return fail(`require: module ${JSON.stringify(name)} failed to compile: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return fail(`require: module ${JSON.stringify(name)} not found; looked for ${candidates.join(" and ")}`);
}

export function createHostFunctions(b: HostBinding): VmHostFunctions {
  return {
    register(index, id, inputs, fnType, opts, extra, file, line) {
      b.registry.addJob({ index, id, inputs, fnType, opts, extra, pos: position(b, file, line, "job") });
    },
    image(name, file, line) {
      b.registry.setImage(name, position(b, file, line, "image"));
    },
    async sh(jobId, cmd, opts) {
      const { ctx, job } = jobState(b, jobId);
      const call = shPrimitive(ctx, job, cmd, opts);
      job.inflight.add(call);
      void call.finally(() => job.inflight.delete(call));
      return call;
    },
    async secret(jobId, name) {
      return secretPrimitive(jobState(b, jobId).ctx, name);
    },
    env(jobId, name) {
      return envPrimitive(jobState(b, jobId).ctx, name);
    },
    read_file(jobId, p) {
      return readFilePrimitive(jobState(b, jobId).ctx, p);
    },
    read_json(jobId, p) {
      return readJsonPrimitive(jobState(b, jobId).ctx, p);
    },
    write_file(jobId, p, content) {
      return writeFilePrimitive(jobState(b, jobId).ctx, p, content);
    },
    log(jobId, message) {
      if (jobId !== null && jobId !== undefined && b.ctx) logPrimitive(b.ctx, jobId, message);
      else b.warn?.(message);
    },
    find_module(name) {
      return findModule(b, name);
    },
  };
}

