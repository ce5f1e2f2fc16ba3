// The pipeline's Lua 5.4 VM: a fennel-js VM with the pipeline profile, its
// refusal messages and quire-ci's trusted setup (vm-setup.ts). ci.fnl's body
// and each job's run-fn run on their own Lua threads, so jobs run in parallel
// and sh or secret are awaited without blocking Node's event loop.
import { createVM, LuaRuntimeError, type LuaFunction, type VM } from "fennel-js";
import { LIB_DIR, PIPELINE_GLOBALS, type CompiledChunk } from "./compile.js";
import { REFUSALS, SETUP_LUA } from "./vm-setup.js";

/** Functions the setup Lua calls; names are the Lua-side keys of `host`. */
export interface VmHostFunctions {
  register(index: number, id: unknown, inputs: unknown, fnType: string, opts: unknown, extra: number, file: string | undefined, line: number): void;
  image(name: unknown, file: string | undefined, line: number): void;
  options(opts: unknown, file: string | undefined, line: number): void;
  sh(jobId: string, cmd: unknown, opts: unknown): Promise<unknown>;
  secret(jobId: string, name: unknown): Promise<unknown>;
  env(jobId: string, name: unknown): unknown;
  read_file(jobId: string, path: unknown): unknown;
  read_json(jobId: string, path: unknown): unknown;
  write_file(jobId: string, path: unknown, content: unknown): unknown;
  log(jobId: string | undefined, message: string): void;
  /** {ok} unless a file module `name` would load from leads outside the workspace. */
  check_module(name: unknown): unknown;
}

/** Most bytes the pipeline's Lua may hold unless the server says otherwise (:pipeline-memory). */
export const DEFAULT_MEMORY_LIMIT = 512 * 1024 * 1024;

export type LoadStatus = { status: "ok" } | { status: "error"; message: string };

export type JobStatus =
  | { status: "ok" }
  | { status: "error"; message: string }
  | { status: "exit"; exit: number; cmd?: string }
  | { status: "timeout" };

export class PipelineVm {
  private constructor(
    private readonly vm: VM,
    private readonly entry: { loaded: LuaFunction; prepare: LuaFunction; runJob: LuaFunction },
  ) {}

  /** A hardened VM whose `require` finds .quire/lib/*.fnl under `workspace`. */
  static async create(workspace: string, host: VmHostFunctions, memoryLimitBytes: number = DEFAULT_MEMORY_LIMIT): Promise<PipelineVm> {
    const table: Record<string, unknown> = {};
    // Bound so each host function is called with the right `this`.
    for (const [k, v] of Object.entries(host)) table[k] = (v as (...a: unknown[]) => unknown).bind(host);
    const vm = await createVM({
      profile: "pipeline",
      root: workspace,
      fennelPath: `${LIB_DIR}/?.fnl;${LIB_DIR}/?/init.fnl`,
      allowedGlobals: PIPELINE_GLOBALS,
      refusals: REFUSALS,
      setup: { lua: SETUP_LUA, args: [table], name: "quire-ci.setup" },
      memoryLimitBytes,
    });
    const [internal] = vm.setupResult as [Record<string, LuaFunction>];
    return new PipelineVm(vm, { loaded: internal.loaded!, prepare: internal.prepare!, runJob: internal.run_job! });
  }

  /** Most bytes the pipeline's Lua may hold from now on. */
  setMemoryLimit(bytes: number): void {
    this.vm.memoryLimit = bytes;
  }

  /** Lua positions (`ci.fnl:LUALINE:`) rewritten to Fennel positions. */
  mapPositions(text: string): { text: string; file?: string; line?: number } {
    return this.vm.mapPositions(text);
  }

  /** Run ci.fnl, compiled under `filename`: it registers the jobs. */
  async loadMain(compiled: CompiledChunk, filename: string, timeoutMs = 60_000): Promise<LoadStatus> {
    try {
      await this.vm.evalString("", { filename, compiled, timeoutMs });
      return { status: "ok" };
    } catch (e) {
      const message = (e as Error).message;
      return { status: "error", message: e instanceof LuaRuntimeError && e.timedOut ? `ci.fnl did not finish loading: ${message}` : message };
    } finally {
      this.entry.loaded();
    }
  }

  /** Hand the VM the push outputs and each job's transitive ancestors. */
  async prepare(push: Record<string, unknown>, ancestors: Record<string, string[]>): Promise<void> {
    this.entry.prepare(push, ancestors);
  }

  /** Run one job's run-fn. With `deadline` (epoch ms), Lua code past it is interrupted. */
  async runJob(index: number, id: string, deadline?: number): Promise<JobStatus> {
    try {
      const timeoutMs = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
      const [status, a, b] = await this.vm.call(this.entry.runJob, [index, id], timeoutMs === undefined ? {} : { timeoutMs });
      if (status === "ok") return { status: "ok" };
      if (status === "exit") return { status: "exit", exit: Number(a), ...(typeof b === "string" ? { cmd: b } : {}) };
      if (deadline !== undefined && Date.now() >= deadline) return { status: "timeout" };
      return { status: "error", message: this.vm.mapPositions(String(a)).text };
    } catch (e) {
      if ((e instanceof LuaRuntimeError && e.timedOut) || (deadline !== undefined && Date.now() >= deadline)) return { status: "timeout" };
      return { status: "error", message: (e as Error).message };
    }
  }

  close(): void {
    this.vm.close();
  }
}
