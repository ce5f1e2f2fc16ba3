// The wasmoon engine: one Lua-in-WebAssembly module per process (compiled
// once, ~50 ms), one engine per VM (~1 ms), and raw helpers that wasmoon
// exposes only untyped: registry refs and raw host functions.
import { createRequire } from "node:module";
import type * as Wasmoon from "wasmoon";
import type { LuaEngine, LuaFactory, LuaThread } from "wasmoon";
import { rawLua, type RawLua } from "./lua-stack.js";

// Loaded through require: Node's ESM wrapper would first scan wasmoon's
// 150 KB UMD bundle for exports, which costs ~25 ms of start-up.
const wasmoon = createRequire(import.meta.url)("wasmoon") as typeof Wasmoon;
const { decorateFunction, LUA_REGISTRYINDEX, LuaFactory: Factory, LuaRawResult } = wasmoon;

let factory: LuaFactory | undefined;

/** Start compiling the WebAssembly module now; later VMs reuse it. */
export function warmUp(): Promise<unknown> {
  factory ??= new Factory();
  return factory.getLuaModule();
}

export async function newEngine(): Promise<LuaEngine> {
  factory ??= new Factory();
  // Proxies off: JavaScript objects become real Lua tables, not userdata.
  return factory.createEngine({ openStandardLibs: true, injectObjects: false, enableProxy: false });
}

/**
 * A host primitive that works on the Lua stack itself: it receives the calling
 * thread's state and argument count, pushes its results, returns their count.
 */
export type RawHostFunction = (L: number, argc: number) => number;

export function pushRawFunction(thread: LuaThread, fn: RawHostFunction): void {
  const decorated = decorateFunction(
    (called: LuaThread, argc: number) => new LuaRawResult(fn(called.address, argc)),
    { receiveThread: true, receiveArgsQuantity: true },
  );
  thread.pushValue(decorated);
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
