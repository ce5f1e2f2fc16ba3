// What a VM offers Lua from outside: globals, host modules for `require`, the
// Fennel and Lua module paths, `arg`, and fennel.view. The VM class that exposes
// them is in vm.ts; host functions themselves are in functions.ts.
import { jsToLua, luaToJs } from "../convert.js";
import { callOrThrow, loadOrThrow } from "./internal-lua.js";
import { readString } from "../lua-stack.js";
import type { VMState } from "./state.js";

/** Run a host snippet on the main thread with registry `refs`, then `args`, as its `...`. */
export function runSnippet(vm: VMState, src: string, refs: number[], args: unknown[]): void {
  const L = vm.global.address;
  loadOrThrow(vm, L, src, "=fennel-js.host");
  for (const r of refs) vm.reg.push(L, r);
  for (const a of args) jsToLua(vm.ctx, L, a);
  callOrThrow(vm, L, refs.length + args.length, 0);
}

/** Put `entry` in front of `fennel.path`. */
export function addFennelPath(vm: VMState, entry: string): void {
  runSnippet(vm, "local fennel, entry = ... fennel.path = entry .. ';' .. fennel.path", [vm.helpers.fennel], [entry]);
}

/** Replace `package.path`; `;;` stands for the default path. */
export function setPackagePath(vm: VMState, value: string): void {
  runSnippet(vm, "local v = ... package.path = (v:gsub(';;', ';' .. package.path .. ';'))", [], [value]);
}

/** Put `entry` in front of `package.path`. */
export function addPackagePath(vm: VMState, entry: string): void {
  runSnippet(vm, "local entry = ... package.path = entry .. ';' .. package.path", [], [entry]);
}

/** Set the global `arg` table from `values`, starting at index `first`. */
export function setArg(vm: VMState, values: string[], first: number): void {
  runSnippet(
    vm,
    "local list, first = ... local t = {} for i = 1, #list do t[first + i - 1] = list[i] end arg = t",
    [],
    [values, first],
  );
}

/** Set a global to a JS value converted to Lua. */
export function setGlobal(vm: VMState, name: string, value: unknown): void {
  const L = vm.global.address;
  jsToLua(vm.ctx, L, value, undefined, name);
  vm.global.lua.lua_setglobal(L, name);
}

/** Read a global, converted to JavaScript. */
export function getGlobal(vm: VMState, name: string): unknown {
  const L = vm.global.address;
  vm.global.lua.lua_getglobal(L, name);
  const v = luaToJs(vm.ctx, L, -1);
  vm.m._lua_settop(L, -2);
  return v;
}

/** Put `module` (a table of values, or a loader) in `package.preload[name]`. */
export function registerModule(vm: VMState, name: string, module: Record<string, unknown> | (() => unknown)): void {
  const L = vm.global.address;
  const lua = vm.global.lua;
  vm.reg.push(L, vm.packageRef);
  lua.lua_getfield(L, -1, "preload");
  if (typeof module === "function") {
    jsToLua(vm.ctx, L, module, undefined, name);
  } else {
    jsToLua(vm.ctx, L, module, undefined, name);
    loadOrThrow(vm, L, "local m = ... return function() return m end", "=fennel-js.module");
    lua.lua_rotate(L, -2, 1);
    callOrThrow(vm, L, 1, 1);
  }
  lua.lua_setfield(L, -2, name);
  vm.m._lua_settop(L, -3);
}

/** `fennel.view` on a JS value converted to Lua. */
export function view(vm: VMState, value: unknown): string {
  const L = vm.global.address;
  vm.reg.push(L, vm.helpers.view);
  jsToLua(vm.ctx, L, value);
  callOrThrow(vm, L, 1, 1);
  const s = readString(vm.m, L, -1);
  vm.m._lua_settop(L, -2);
  return s;
}
