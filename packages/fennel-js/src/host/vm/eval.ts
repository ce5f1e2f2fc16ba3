// A VM's evaluation entry points: compile Fennel with the VM's globals allowed,
// then run source, a .fnl file or a Lua function on a fresh thread (threads.ts).
// The VM class that exposes them is in vm.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { CompileResult } from "../../types.js";
import { compileInVM } from "../compile-time/compile-in-vm.js";
import { jsToLua, type LuaFunction } from "../convert.js";
import { loadBytes, readString } from "../lua-stack.js";
import { decodeSource, encodeLua } from "../source-text.js";
import type { EvalOptions } from "./options.js";
import type { VMState } from "./state.js";
import { runOnThread } from "./threads.js";

/**
 * Compile source this VM is about to run: the VM's current globals (plus
 * `allowed`) are allowed, macros run in this VM, and the chunk's source map
 * is remembered.
 */
export function compileForVM(vm: VMState, L: number, source: string, filename: string, allowed: string[] | false): CompileResult {
  let allowedGlobals: string[] | false = false;
  if (allowed !== false) {
    vm.reg.push(L, vm.helpers.globalNames);
    vm.global.lua.lua_callk(L, 0, 1, 0, null);
    const names = readString(vm.m, L, -1);
    vm.m._lua_settop(L, -2);
    allowedGlobals = [...names.split("\n"), ...allowed];
  }
  const result = compileInVM(vm, L, source, { filename, allowedGlobals, optsRef: 0 });
  vm.chunks.register(filename, result.sourceMap);
  return result;
}

function adopt(vm: VMState, file: string, compiled: CompileResult): string {
  vm.chunks.register(file, compiled.sourceMap);
  return compiled.lua;
}

/** Compile Fennel source and run it on a fresh thread. */
export function evalString(vm: VMState, source: string, opts: EvalOptions): Promise<unknown[]> {
  const file = opts.filename ?? "unknown";
  return runOnThread(vm, (L) => {
    const lua = opts.compiled ? adopt(vm, file, opts.compiled) : compileForVM(vm, L, source, file, vm.allowed).lua;
    if (opts.print) vm.reg.push(L, opts.print === "view" ? vm.helpers.viewValues : vm.helpers.printValues);
    loadChunk(vm, L, Buffer.from(lua, "utf8"), file);
    return opts.print ? 1 : 0;
  }, opts);
}

/** Read, compile and run a .fnl file relative to the VM's root. */
export function evalFile(vm: VMState, file: string, args: unknown[], opts: Pick<EvalOptions, "timeoutMs">): Promise<unknown[]> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.resolve(vm.root, file));
  } catch (e) {
    // Name the file as the caller did, not as resolved against the root.
    if (typeof e === "object" && e !== null) Object.assign(e, { path: file });
    throw e;
  }
  const source = decodeSource(bytes);
  return runOnThread(vm, (L) => {
    const lua = compileForVM(vm, L, source.text, file, vm.allowed).lua;
    loadChunk(vm, L, encodeLua(lua, source.encoding), file);
    for (const a of args) jsToLua(vm.ctx, L, a);
    return args.length;
  }, opts);
}

/** Call a Lua function on a fresh thread. */
export function callFunction(vm: VMState, fn: LuaFunction, args: unknown[], opts: Pick<EvalOptions, "timeoutMs">): Promise<unknown[]> {
  return runOnThread(vm, (L) => {
    vm.reg.push(L, fn.luaRef);
    for (const a of args) jsToLua(vm.ctx, L, a);
    return args.length;
  }, opts);
}

function loadChunk(vm: VMState, L: number, code: Uint8Array, file: string): void {
  if (loadBytes(vm.m, L, code, `@${file}`) !== 0) {
    const msg = readString(vm.m, L, -1);
    vm.m._lua_settop(L, -2);
    throw new Error(`${file}: compiled Lua did not load (a fennel-js bug): ${msg}`);
  }
}
