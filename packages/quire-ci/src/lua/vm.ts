// The pipeline's Lua 5.4 VM (wasmoon): created hardened by the prelude, with
// host functions installed. Every entry point (ci.fnl's body, each job's
// run-fn) runs on its own Lua thread so async host calls (sh, secret) can be
// awaited from Lua without blocking Node's event loop.
import { createRequire } from "node:module";
import type * as Wasmoon from "wasmoon";
import type { LuaEngine, LuaFactory } from "wasmoon";
import { PRELUDE } from "./prelude.js";

// Loaded on first use through require: an ESM import of wasmoon's CommonJS
// bundle would first scan its 150 KB for export names, and either way it
// should not delay what runs before the first VM is wanted.
let wasmoon: typeof Wasmoon | undefined;
function lib(): typeof Wasmoon {
  return (wasmoon ??= createRequire(import.meta.url)("wasmoon") as typeof Wasmoon);
}
/** LUA_REGISTRYINDEX of Lua 5.4 (as wasmoon exports it). */
const LUA_REGISTRYINDEX = -1001000;

/** Functions the prelude calls; names are the Lua-side keys of `host`. */
export interface VmHostFunctions {
  register(index: number, id: unknown, inputs: unknown, fnType: string, opts: unknown, extra: number, file: string, line: number): void;
  image(name: unknown, file: string, line: number): void;
  sh(jobId: string, cmd: unknown, opts: unknown): Promise<unknown>;
  secret(jobId: string, name: unknown): Promise<unknown>;
  env(jobId: string, name: unknown): unknown;
  read_file(jobId: string, path: unknown): unknown;
  read_json(jobId: string, path: unknown): unknown;
  write_file(jobId: string, path: unknown, content: unknown): unknown;
  log(jobId: string | null, message: string): void;
  find_module(name: unknown): unknown;
}

export type LoadStatus = { status: "ok" } | { status: "syntax" | "error"; message: string };

export type JobStatus =
  | { status: "ok" }
  | { status: "error"; message: string }
  | { status: "exit"; exit: number; cmd?: string }
  | { status: "timeout" };

let factory: LuaFactory | undefined;

/** Start compiling the WebAssembly Lua now (off the main thread); VMs made later reuse it. */
export function warmUp(): void {
  factory ??= new (lib().LuaFactory)();
  factory.getLuaModule().catch(() => undefined); // a failure surfaces in create()
}

export class PipelineVm {
  private constructor(
    private readonly engine: LuaEngine,
    private readonly internalRef: number,
  ) {}

  static async create(host: VmHostFunctions): Promise<PipelineVm> {
    factory ??= new (lib().LuaFactory)();
    const engine = await factory.createEngine({ openStandardLibs: true, injectObjects: false, enableProxy: false });
    const g = engine.global;
    // Host functions are bound so wasmoon calls them with the right `this`.
    const table: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(host)) table[k] = (v as (...a: unknown[]) => unknown).bind(host);
    g.loadString(PRELUDE, "=quire-prelude");
    g.pushValue(table);
    const status = g.lua.lua_pcallk(g.address, 1, 1, 0, 0, null);
    if (status !== 0) {
      const message = g.indexToString(-1);
      throw new Error(`pipeline VM prelude failed: ${message}`);
    }
    const ref = g.lua.luaL_ref(g.address, LUA_REGISTRYINDEX);
    return new PipelineVm(engine, ref);
  }

  /** Evaluate ci.fnl's compiled body: it registers the jobs. */
  async loadMain(lua: string, chunkname: string, timeoutMs = 60_000): Promise<LoadStatus> {
    try {
      const [status, message] = await this.call("load_main", [lua, chunkname], timeoutMs);
      if (status === "ok") return { status: "ok" };
      return { status: status === "syntax" ? "syntax" : "error", message: String(message) };
    } catch (e) {
      return { status: "error", message: `ci.fnl did not finish loading: ${(e as Error).message}` };
    }
  }

  /** Hand the VM the push outputs and each job's transitive ancestors. */
  async prepare(push: Record<string, unknown>, ancestors: Record<string, string[]>): Promise<void> {
    await this.call("prepare", [push, ancestors]);
  }

  /** Run one job's run-fn. With `deadline` (epoch ms), Lua code past it is interrupted. */
  async runJob(index: number, id: string, deadline?: number): Promise<JobStatus> {
    try {
      const [status, a, b] = await this.call("run_job", [index, id], deadline === undefined ? undefined : Math.max(1, deadline - Date.now()));
      if (status === "ok") return { status: "ok" };
      if (status === "exit") return { status: "exit", exit: Number(a), ...(typeof b === "string" ? { cmd: b } : {}) };
      if (deadline !== undefined && Date.now() >= deadline) return { status: "timeout" };
      return { status: "error", message: String(a) };
    } catch (e) {
      if (deadline !== undefined && Date.now() >= deadline) return { status: "timeout" };
      return { status: "error", message: (e as Error).message.split("\nstack traceback:")[0]! };
    }
  }

  close(): void {
    this.engine.global.close();
  }

  /** Call an internal entry point on a fresh thread anchored in the registry. */
  private async call(name: string, args: unknown[], timeoutMs?: number): Promise<unknown[]> {
    const g = this.engine.global;
    const lua = g.lua;
    const thread = g.newThread();
    const threadRef = lua.luaL_ref(g.address, LUA_REGISTRYINDEX);
    try {
      lua.lua_rawgeti(thread.address, LUA_REGISTRYINDEX, BigInt(this.internalRef));
      lua.lua_getfield(thread.address, -1, name);
      lua.lua_remove(thread.address, -2);
      for (const a of args) thread.pushValue(a);
      const result = await thread.run(args.length, timeoutMs === undefined ? undefined : { timeout: timeoutMs });
      return [...result];
    } finally {
      lua.luaL_unref(g.address, LUA_REGISTRYINDEX, threadRef);
    }
  }
}
