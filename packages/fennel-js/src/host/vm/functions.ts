// Functions crossing between a VM and JavaScript: Lua functions wrapped as JS
// callables (their registry refs released when collected), and JS functions
// pushed as host functions (called through host-calls.ts).
import { jsToLua, luaToJs, rememberLuaFunction, type LuaFunction } from "../convert.js";
import { pushString } from "../lua-stack.js";
import type { VMState } from "./state.js";
import { runOnThread, runtimeError } from "./threads.js";

const refCleanup = new FinalizationRegistry<{ vm: VMState; ref: number }>(({ vm, ref }) => vm.releaseRef(ref));

/** A JS callable for the Lua function at registry `ref`; `callAsync` runs it on a fresh thread. */
export function wrapLuaFunction(vm: VMState, ref: number): LuaFunction {
  const call = (...args: unknown[]): unknown => {
    const L = vm.global.address;
    const top = vm.m._lua_gettop(L);
    vm.reg.push(L, ref);
    for (const a of args) jsToLua(vm.ctx, L, a);
    const status = vm.global.lua.lua_pcallk(L, args.length, 1, 0, 0, null);
    if (status !== 0) {
      const err = runtimeError(vm, L);
      vm.m._lua_settop(L, top);
      throw err;
    }
    const v = luaToJs(vm.ctx, L, -1);
    vm.m._lua_settop(L, top);
    return v;
  };
  const fn = call as LuaFunction;
  Object.defineProperty(fn, "luaRef", { value: ref });
  Object.defineProperty(fn, "callAsync", {
    value: (...args: unknown[]) =>
      runOnThread(vm, (L) => {
        vm.reg.push(L, ref);
        for (const a of args) jsToLua(vm.ctx, L, a);
        return args.length;
      }),
  });
  rememberLuaFunction(fn, ref);
  refCleanup.register(fn, { vm, ref });
  return fn;
}

/** Push `fn` as a Lua host function named `name` (wrapped by the prelude's wrap_host). */
export function pushHostFunction(vm: VMState, L: number, name: string, fn: (...args: any[]) => unknown): void {
  vm.reg.push(L, vm.helpers.wrapHost);
  pushString(vm.m, L, name);
  vm.raw.push(L, (L2, argc) => vm.calls.call(fn, L2, argc));
  vm.global.lua.lua_callk(L, 2, 1, 0, null);
}
