// The compile-time helpers of a VM's fennel module (fennel-compiler-env.ts):
// compiler environments, macro searchers, _SPECIALS. Loaded the first time a
// compile or a program needs them, since most programs never do.
import { MACRO_DOCS, SPECIAL_DOCS, type FormDoc } from "../../docs.js";
import { builtinMacros } from "../../macros/index.js";
import { specials } from "../../specials/index.js";
import { jsToLua } from "../convert.js";
import { pushString } from "../lua-stack.js";
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

/**
 * Fill `_SPECIALS` with the special forms and the global scope's macros with
 * the built-in macros, by name, each a function carrying its docs in
 * fennel.metadata (what ,doc shows). Calling a special from Lua compiles its
 * form (fennel.compile1); calling a macro is an error.
 */
function installSpecialNames(vm: VMState): void {
  const L = vm.global.address;
  const lua = vm.global.lua;
  /** Push the function for `name`: a special compiles its form, a macro cannot be called. */
  const stub = (what: string, name: string, doc: FormDoc | undefined): void => {
    if (what === "special form") {
      vm.reg.push(L, vm.compileTimeRefs!.ct);
      lua.lua_getfield(L, -1, "builtin_special");
      pushString(vm.m, L, name);
      callOrThrow(vm, L, 1, 1);
      lua.lua_rotate(L, -2, 1);
      vm.m._lua_settop(L, -2);
    } else {
      vm.raw.push(L, () => {
        throw new Error(`the ${what} ${name} cannot be called from Lua in fennel-js`);
      });
    }
    if (doc !== undefined) {
      loadOrThrow(vm, L, DOC_LUA, "=fennel-js.docs");
      lua.lua_rotate(L, -2, 1);
      vm.reg.push(L, vm.libraryRefs.fennel);
      jsToLua(vm.ctx, L, doc.arglist);
      pushString(vm.m, L, doc.doc);
      callOrThrow(vm, L, 4, 1);
    }
  };
  vm.reg.push(L, vm.compileTimeRefs!.specials);
  lua.lua_getfield(L, -1, "SPECIALS");
  for (const name of specials.keys()) {
    stub("special form", name, SPECIAL_DOCS[name] ?? MACRO_DOCS[name]);
    lua.lua_setfield(L, -2, name);
  }
  vm.m._lua_settop(L, -2);
  lua.lua_getfield(L, -1, "global-scope");
  lua.lua_getfield(L, -1, "macros");
  for (const name of builtinMacros.keys()) {
    stub("macro", name, MACRO_DOCS[name]);
    lua.lua_setfield(L, -2, name);
  }
  vm.m._lua_settop(L, -4);
}

/** Record a stub's docs in fennel.metadata; gives the stub back. */
const DOC_LUA = "local f, fennel, arglist, doc = ... fennel.metadata:setall(f, 'fnl/arglist', arglist, 'fnl/docstring', doc) return f";
