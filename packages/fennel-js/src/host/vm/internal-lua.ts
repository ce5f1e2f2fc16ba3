// Loading and calling fennel-js's own Lua (prelude, profile, small host
// snippets) on a VM's stack; a failure there is a fennel-js bug, so it throws.
// User code runs through threads.ts instead.
import { loadTrusted } from "../lua-bytecode.js";
import { readString } from "../lua-stack.js";
import type { VMState } from "./state.js";

/** Load `src` as chunk `name` (from its bytecode when the build made it), leaving the function on the stack. */
export function loadOrThrow(vm: VMState, L: number, src: string, name: string): void {
  if (loadTrusted(vm.m, L, src, name) !== 0) {
    const msg = readString(vm.m, L, -1);
    vm.m._lua_settop(L, -2);
    throw new Error(`fennel-js internal Lua failed to load: ${msg}`);
  }
}

/** Call the function below `nargs` arguments in protected mode. */
export function callOrThrow(vm: VMState, L: number, nargs: number, nresults: number): void {
  const status = vm.global.lua.lua_pcallk(L, nargs, nresults, 0, 0, null);
  if (status !== 0) {
    const msg = readString(vm.m, L, -1);
    vm.m._lua_settop(L, -2);
    throw new Error(`fennel-js internal Lua failed: ${msg}`);
  }
}
