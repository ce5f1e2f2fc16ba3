// Binds the VM's host functions to quire-ci: registration goes to the
// PipelineRegistry (with the ci.fnl position of the call), primitives to
// runtime/*.ts with the run's context. `require` is the VM's own.
import fs from "node:fs";
import path from "node:path";
import { LIB_DIR } from "../pipeline/compile.js";
import type { PipelineRegistry } from "../pipeline/register.js";
import type { SourcePosition } from "../pipeline/types.js";
import type { VmHostFunctions } from "../pipeline/vm.js";
import { fail, ok, type HostResult, type JobState, type RuntimeContext } from "./context.js";
import { envPrimitive } from "./env.js";
import { readFilePrimitive, readJsonPrimitive, writeFilePrimitive } from "./files.js";
import { logPrimitive } from "./log.js";
import { secretPrimitive } from "./secret.js";
import { shPrimitive } from "./sh.js";
import { resolveInWorkspace } from "./workspace-path.js";

export interface HostBinding {
  workspace: string;
  registry: PipelineRegistry;
  /** Fennel positions of Lua ones (`file:LUALINE:`), from the VM's source maps. */
  mapPositions(text: string): { file?: string; line?: number };
  /** Source text of the files positions name (ci.fnl as loaded); others are read from the workspace. */
  sources: Map<string, string>;
  /** Set once the run starts; load-time calls of primitives never reach the host. */
  ctx?: RuntimeContext;
  /** Where print/log outside a job go. */
  warn?: (message: string) => void;
}

/**
 * Column (0-based, as fennel-js reports columns) of the call `(NAME …` or
 * `(x.NAME …` on a source line, or of its first non-blank character.
 */
export function callColumn(sourceLine: string | undefined, name: string): number | undefined {
  if (sourceLine === undefined) return undefined;
  const re = new RegExp(`\\((?:[^\\s()\\[\\]{}"]*[.:])?${name}(?=[\\s)])`);
  const m = re.exec(sourceLine);
  if (m) return m.index;
  const first = sourceLine.search(/\S/);
  return first < 0 ? undefined : first;
}

function sourceLine(b: HostBinding, file: string, line: number): string | undefined {
  let text = b.sources.get(file);
  if (text === undefined) {
    try {
      text = fs.readFileSync(resolveInWorkspace(b.workspace, file, "source"), "utf8");
    } catch {
      text = "";
    }
    b.sources.set(file, text);
  }
  return text.split("\n")[line - 1];
}

function position(b: HostBinding, file: string | undefined, line: number, callee: string): SourcePosition {
  if (file === undefined || line < 1) return { file: file ?? "ci.fnl" };
  const pos = b.mapPositions(`${file}:${line}:`);
  if (pos.file === undefined || pos.line === undefined) return { file };
  const col = callColumn(sourceLine(b, pos.file, pos.line), callee);
  return { file: pos.file, line: pos.line, ...(col === undefined ? {} : { col }) };
}

/** Refuse a module whose file under .quire/lib leads outside the workspace. */
function checkModule(b: HostBinding, name: unknown): HostResult {
  if (typeof name !== "string") return ok();
  const rel = name.split(".").join("/");
  for (const candidate of [`${LIB_DIR}/${rel}.fnl`, `${LIB_DIR}/${rel}/init.fnl`]) {
    if (!fs.existsSync(path.join(b.workspace, candidate))) continue;
    try {
      resolveInWorkspace(b.workspace, candidate, "require: module path");
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  return ok();
}

function jobState(b: HostBinding, jobId: string): { ctx: RuntimeContext; job: JobState } {
  const ctx = b.ctx;
  const job = ctx?.jobs.get(jobId);
  if (!ctx || !job) throw new Error(`internal: no running job "${jobId}"`);
  return { ctx, job };
}

export function createHostFunctions(b: HostBinding): VmHostFunctions {
  return {
    register(index, id, inputs, fnType, opts, extra, file, line) {
      b.registry.addJob({ index, id, inputs, fnType, opts, extra, pos: position(b, file, line, "job") });
    },
    options(opts, file, line) {
      b.registry.setOptions(opts, position(b, file, line, "options"));
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
      return secretPrimitive(jobState(b, jobId).ctx, jobId, name);
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
      if (jobId !== undefined && b.ctx) logPrimitive(b.ctx, jobId, message);
      else b.warn?.(message);
    },
    check_module(name) {
      return checkModule(b, name);
    },
  };
}

