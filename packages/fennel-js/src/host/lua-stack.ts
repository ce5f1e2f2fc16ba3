// Byte-exact access to the Lua stack of a wasmoon state: strings as raw bytes
// (wasmoon's own conversion decodes UTF-8 and stops at NUL), chunk loading
// from bytes, and the handful of raw C API calls the host needs.
import type { LuaThread } from "wasmoon";

/** The raw exports of wasmoon's emscripten module that the host calls directly. */
export interface RawLua {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  _malloc(size: number): number;
  _realloc(ptr: number, size: number): number;
  _free(ptr: number): void;
  _lua_tolstring(L: number, idx: number, lenPtr: number): number;
  _lua_pushlstring(L: number, ptr: number, len: number): number;
  _lua_gettop(L: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_type(L: number, idx: number): number;
  _lua_toboolean(L: number, idx: number): number;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushnil(L: number): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_tonumberx(L: number, idx: number, isnum: number): number;
  _lua_isinteger(L: number, idx: number): number;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_rawset(L: number, idx: number): void;
  _lua_next(L: number, idx: number): number;
  _lua_absindex(L: number, idx: number): number;
  _lua_pushvalue(L: number, idx: number): void;
  _lua_topointer(L: number, idx: number): number;
  _lua_rawlen(L: number, idx: number): number;
  _luaL_loadbufferx(L: number, buf: number, size: number, name: number, mode: number): number;
  _lua_callk(L: number, nargs: number, nresults: number, ctx: number, k: number): void;
}

export const LUA_TNONE = -1;
export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TLIGHTUSERDATA = 2;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;
export const LUA_TUSERDATA = 7;
export const LUA_TTHREAD = 8;

export function rawLua(thread: LuaThread): RawLua {
  return thread.lua.module as unknown as RawLua;
}

const decoder = new TextDecoder("utf-8");

/** Scratch cell for `size_t *len` out-parameters (wasm32: 4 bytes). */
const scratch = new WeakMap<RawLua, number>();
function lenCell(m: RawLua): number {
  let p = scratch.get(m);
  if (p === undefined) {
    p = m._malloc(8);
    scratch.set(m, p);
  }
  return p;
}

/** The bytes of the string (or number) at `idx`, copied out of wasm memory. */
export function readBytes(m: RawLua, L: number, idx: number): Uint8Array {
  const cell = lenCell(m);
  const ptr = m._lua_tolstring(L, idx, cell);
  if (ptr === 0) return new Uint8Array(0);
  const len = m.HEAPU32[cell >> 2] ?? 0;
  return m.HEAPU8.slice(ptr, ptr + len);
}

/** The string at `idx` as JavaScript text (invalid UTF-8 becomes U+FFFD; NULs kept). */
export function readString(m: RawLua, L: number, idx: number): string {
  return decoder.decode(readBytes(m, L, idx));
}

/** Push raw bytes as a Lua string. */
export function pushBytes(m: RawLua, L: number, bytes: Uint8Array): void {
  const ptr = m._malloc(bytes.length + 1);
  try {
    m.HEAPU8.set(bytes, ptr);
    m._lua_pushlstring(L, ptr, bytes.length);
  } finally {
    m._free(ptr);
  }
}

/** Push JavaScript text as a UTF-8 Lua string (embedded NULs kept). */
export function pushString(m: RawLua, L: number, text: string): void {
  pushBytes(m, L, Buffer.from(text, "utf8"));
}

/**
 * Load a chunk from bytes under `chunkName` (e.g. `@main.fnl`), leaving the
 * function (or the error message) on the stack. Returns the Lua status.
 */
export function loadBytes(m: RawLua, L: number, code: Uint8Array, chunkName: string, mode: "t" | "b" = "t"): number {
  // Text chunks only, but for fennel-js's own build output (lua-bytecode.ts):
  // precompiled bytecode could break the VM's guarantees.
  const name = Buffer.from(`${chunkName}\0${mode}\0`, "utf8");
  const ptr = m._malloc(code.length + name.length);
  try {
    m.HEAPU8.set(code, ptr);
    m.HEAPU8.set(name, ptr + code.length);
    const namePtr = ptr + code.length;
    return m._luaL_loadbufferx(L, ptr, code.length, namePtr, namePtr + name.length - 2);
  } finally {
    m._free(ptr);
  }
}
