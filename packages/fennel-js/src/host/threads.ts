// Running Lua on its own thread: resume, park on awaited host calls until
// their promises settle, resume again; and turning a Lua error into a
// LuaRuntimeError with .fnl positions and a traceback.
import type { LuaThread } from "wasmoon";
import { LuaRuntimeError, type ChunkMap } from "./chunks.js";
import { luaToJs, type ConvertContext } from "./convert.js";
import type { Registry } from "./engine.js";
import type { HostCalls } from "./host-calls.js";
import { LUA_TNUMBER, LUA_TSTRING, readString, type RawLua } from "./lua-stack.js";

const LUA_OK = 0;
const LUA_YIELD = 1;

/** What running a thread needs from its VM. */
export interface ThreadHost {
  readonly global: LuaThread;
  readonly m: RawLua;
  readonly reg: Registry;
  readonly ctx: ConvertContext;
  readonly calls: HostCalls;
  readonly chunks: ChunkMap;
  readonly awaitToken: string;
  readonly runEntryRef: number;
  isClosed(): boolean;
}

/** Run a Lua function (pushed by `push`, returning its argument count) on a new thread. */
export async function runOnThread(vm: ThreadHost, push: (L: number) => number): Promise<unknown[]> {
  const thread = vm.global.newThread();
  const threadRef = vm.reg.ref(vm.global.address);
  try {
    const L = thread.address;
    vm.reg.push(L, vm.runEntryRef);
    const nargs = push(L) + 1;
    let res = thread.resume(nargs);
    while (res.result === LUA_YIELD) {
      const id = awaitedCall(vm, L, res.resultCount);
      vm.m._lua_settop(L, -res.resultCount - 1);
      if (id === undefined) throw new LuaRuntimeError({ message: "attempt to yield from outside a coroutine", luaMessage: "attempt to yield from outside a coroutine", value: undefined });
      await vm.calls.wait(id);
      if (vm.isClosed()) throw new Error("the VM was closed while Fennel code was waiting on a host function");
      res = thread.resume(0);
    }
    if (res.result !== LUA_OK) throw runtimeError(vm, L);
    const top = vm.m._lua_gettop(L);
    const values: unknown[] = [];
    for (let i = top - res.resultCount + 1; i <= top; i++) values.push(luaToJs(vm.ctx, L, i));
    return values;
  } finally {
    if (!vm.isClosed()) vm.reg.unref(threadRef);
  }
}

function awaitedCall(vm: ThreadHost, L: number, count: number): number | undefined {
  if (count !== 2 || vm.m._lua_type(L, -2) !== LUA_TSTRING) return undefined;
  if (readString(vm.m, L, -2) !== vm.awaitToken) return undefined;
  const id = vm.m._lua_tonumberx(L, -1, 0);
  return vm.calls.has(id) ? id : undefined;
}

/** The error at the top of `L` as a LuaRuntimeError, positions mapped to .fnl lines. */
export function runtimeError(vm: ThreadHost, L: number): LuaRuntimeError {
  const m = vm.m;
  const value = luaToJs(vm.ctx, L, -1);
  const t = m._lua_type(L, -1);
  let raw: string;
  if (t === LUA_TSTRING || t === LUA_TNUMBER) raw = readString(m, L, -1);
  else if (vm.global.lua.luaL_getmetafield(L, -1, "__tostring") !== 0) {
    m._lua_settop(L, -2);
    raw = vm.global.lua.luaL_tolstring(L, -1, null);
    m._lua_settop(L, -2);
  } else raw = `(error object is a ${vm.global.lua.lua_typename(L, t)} value)`;
  vm.global.lua.luaL_traceback(L, L, null, 0);
  const tb = readString(m, L, -1);
  m._lua_settop(L, -2);
  const mapped = vm.chunks.rewrite(raw);
  return new LuaRuntimeError({
    message: mapped.text,
    luaMessage: raw,
    value,
    ...(mapped.file !== undefined ? { file: mapped.file, line: mapped.line } : {}),
    // Frames inside the host's own Lua (prelude, io layer) are not the user's business.
    traceback: vm.chunks
      .rewrite(tb)
      .text.split("\n")
      .filter((l) => !l.startsWith("\tfennel-js."))
      .join("\n"),
  });
}
