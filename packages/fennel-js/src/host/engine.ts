// The wasmoon engine: one Lua-in-WebAssembly module per process (compiled
// once), one engine per VM (~1 ms), and raw helpers that wasmoon exposes only
// untyped: registry refs and raw host functions.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type * as Wasmoon from "wasmoon";
import type { LuaEngine, LuaFactory, LuaThread } from "wasmoon";
import { requireCached } from "./code-cache.js";
import { pushString, rawLua, type RawLua } from "./lua-stack.js";
import { useBaselineWasm } from "./wasm-tier.js";

useBaselineWasm();

/**
 * wasmoon's script. Where the package's own node_modules holds it (this file
 * is one or two folders below the package: dist/, dist/host/, src/host/), that
 * is where Node's search would find it first; looking there is ~1 ms cheaper
 * than the search, which stays the fallback.
 */
function wasmoonFile(): string {
  for (const up of ["../", "../../"]) {
    const file = fileURLToPath(new URL(`${up}node_modules/wasmoon/dist/index.js`, import.meta.url));
    if (existsSync(file)) return file;
  }
  return createRequire(import.meta.url).resolve("wasmoon");
}

// Loaded as CommonJS with V8's code cache: Node's ESM wrapper would first scan
// wasmoon's 150 KB UMD bundle for exports, and compiling it costs more than
// reading its cache. Its one dynamic import (of a built-in) becomes a require,
// which a script compiled this way can make.
const wasmoon = requireCached(wasmoonFile(), {
  tag: "wasmoon",
  transform: (source) => source.replace("await import('module')", "require('module')"),
}) as typeof Wasmoon;
const { LUA_REGISTRYINDEX, LuaFactory: Factory, LuaEngine: Engine } = wasmoon;

let factory: LuaFactory | undefined;
/** The WebAssembly module once compiled: engines can then be made synchronously. */
let loadedModule: Wasmoon.LuaWasm | undefined;

/** Start compiling the WebAssembly module now; later VMs reuse it. */
export function warmUp(): Promise<unknown> {
  factory ??= new Factory();
  return factory.getLuaModule().then((mod) => {
    loadedModule = mod;
    return mod;
  });
}

// Proxies off: JavaScript objects become real Lua tables, not userdata.
const ENGINE_OPTIONS = { openStandardLibs: true, injectObjects: false, enableProxy: false };

export async function newEngine(): Promise<LuaEngine> {
  await warmUp();
  return new Engine(loadedModule!, ENGINE_OPTIONS);
}

/** An engine made now, or undefined while the WebAssembly module is not compiled yet. */
export function newEngineSync(): LuaEngine | undefined {
  return loadedModule === undefined ? undefined : new Engine(loadedModule, ENGINE_OPTIONS);
}

/**
 * A host primitive that works on the Lua stack itself: it receives the calling
 * thread's state and argument count, pushes its results, returns their count.
 */
export type RawHostFunction = (L: number, argc: number) => number;

const LUA_REGISTRY_INDEX = -1001000;
/** lua_upvalueindex(1) */
const FIRST_UPVALUE = LUA_REGISTRY_INDEX - 1;

/**
 * Host primitives as plain C closures: one wasm function pointer per VM
 * dispatches on an id held in the closure's upvalue. This skips wasmoon's
 * per-call userdata checks and argument conversion, which dominate the cost
 * of small calls such as `print`.
 */
export class RawFunctions {
  private readonly fns = new Map<number, RawHostFunction>();
  private next = 1;
  private readonly pointer: number;

  constructor(private readonly thread: LuaThread) {
    const m = rawLua(thread);
    const lua = thread.lua;
    this.pointer = lua.module.addFunction((L: number): number => {
      const fn = this.fns.get(m._lua_tonumberx(L, FIRST_UPVALUE, 0));
      let message: string;
      try {
        if (fn === undefined) throw new Error("host function called after its VM was closed");
        return fn(L, m._lua_gettop(L));
      } catch (e) {
        // Lua's own errors unwind as a thrown Infinity (emscripten's longjmp): let them pass.
        if (e === Infinity) throw e;
        message = e instanceof Error ? e.message : String(e);
      }
      pushString(m, L, message);
      return lua.lua_error(L);
    }, "ii");
  }

  /** Push `fn` onto `L` as a Lua function. */
  push(L: number, fn: RawHostFunction): void {
    const id = this.next++;
    this.fns.set(id, fn);
    const m = rawLua(this.thread);
    m._lua_pushnumber(L, id);
    this.thread.lua.lua_pushcclosure(L, this.pointer, 1);
  }

  close(): void {
    this.fns.clear();
    this.thread.lua.module.removeFunction(this.pointer);
  }
}

export interface Registry {
  ref(L: number): number;
  unref(ref: number): void;
  push(L: number, ref: number): void;
}

export function registry(thread: LuaThread): Registry {
  const lua = thread.lua;
  return {
    ref: (L) => lua.luaL_ref(L, LUA_REGISTRYINDEX),
    unref: (r) => lua.luaL_unref(thread.address, LUA_REGISTRYINDEX, r),
    push: (L, r) => {
      lua.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(r));
    },
  };
}

export { rawLua, type RawLua, wasmoon };
