// The compile-time helpers of a VM's fennel module (fennel-compiler-env.ts):
// compiler environments, macro searchers, _SPECIALS. Loaded the first time a
// compile or a program needs them, since most programs never do.
import { specials } from "../../specials/index.js";
import { FENNEL_COMPILER_ENV_LUA } from "../lua/fennel-compiler-env.js";
import { callOrThrow, loadOrThrow } from "./internal-lua.js";
import type { VMState } from "./state.js";

/** Registry refs of the compile-time helpers (`specials`) and their host side (`ct`). */
export function compileTimeLibrary(vm: VMState): { specials: number; ct: number } {
  if (vm.compileTimeRefs === undefined) {
    const L = vm.global.address;
    loadOrThrow(vm, L, FENNEL_COMPILER_ENV_LUA, "@fennel-js/specials.lua");
    const { utils, host, fennel, privileged } = vm.libraryRefs;
    for (const r of [utils, host, fennel, privileged]) vm.reg.push(L, r);
    callOrThrow(vm, L, 4, 1);
    vm.global.lua.lua_getfield(L, -1, "ct");
    const ct = vm.reg.ref(L);
    vm.compileTimeRefs = { specials: vm.reg.ref(L), ct };
    installSpecialNames(vm);
  }
  return vm.compileTimeRefs;
}

/** Fill the compile-time `_SPECIALS` table with the special forms, by name. */
function installSpecialNames(vm: VMState): void {
  const L = vm.global.address;
  const lua = vm.global.lua;
  vm.reg.push(L, vm.compileTimeRefs!.specials);
  lua.lua_getfield(L, -1, "SPECIALS");
  for (const name of specials.keys()) {
    vm.raw.push(L, () => {
      throw new Error(`the special form ${name} cannot be called from Lua in fennel-js`);
    });
    lua.lua_setfield(L, -2, name);
  }
  vm.m._lua_settop(L, -3);
}
