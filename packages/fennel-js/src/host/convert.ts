// Values crossing between Lua and JavaScript. Lua → JS: sequences become
// arrays (nil holes stay as undefined), other tables plain objects, functions
// callable handles. JS → Lua: arrays and objects become tables, functions
// become host functions (sync or async), Uint8Array becomes a raw string.
import {
  LUA_TBOOLEAN,
  LUA_TFUNCTION,
  LUA_TNIL,
  LUA_TNONE,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  pushBytes,
  pushString,
  readString,
  type RawLua,
} from "./lua-stack.js";

/** Several values returned by a host function: `return luaValues(a, b)`. */
export class LuaValues {
  readonly values: unknown[];
  constructor(values: unknown[]) {
    this.values = values;
  }
}

/** Return several values from a host function to Lua. */
export function luaValues(...values: unknown[]): LuaValues {
  return new LuaValues(values);
}

/** A Lua function held from JavaScript. Call it with `call` (sync) or `callAsync`. */
export interface LuaFunction {
  (...args: unknown[]): unknown;
  /** Runs on a fresh Lua thread so async host functions may be awaited inside. */
  callAsync(...args: unknown[]): Promise<unknown[]>;
  readonly luaRef: number;
}

/** A Lua value with no JavaScript counterpart (userdata, thread). */
export class LuaOpaque {
  constructor(readonly luaType: string) {}
}

/** What conversion needs from the VM: registry refs and function wrapping. */
export interface ConvertContext {
  m: RawLua;
  ref(L: number): number;
  unref(ref: number): void;
  pushRef(L: number, ref: number): void;
  wrapLuaFunction(ref: number): LuaFunction;
  /** Push a JS function as a Lua host function named `name`. */
  pushHostFunction(L: number, name: string, fn: (...args: any[]) => unknown): void;
}

const luaFunctionRefs = new WeakMap<object, number>();

export function rememberLuaFunction(fn: object, ref: number): void {
  luaFunctionRefs.set(fn, ref);
}

/** Convert the Lua value at `idx` of state `L` to JavaScript. */
export function luaToJs(ctx: ConvertContext, L: number, idx: number, seen?: Map<number, unknown>): unknown {
  const m = ctx.m;
  const t = m._lua_type(L, idx);
  switch (t) {
    case LUA_TNONE:
    case LUA_TNIL:
      return undefined;
    case LUA_TBOOLEAN:
      return m._lua_toboolean(L, idx) !== 0;
    case LUA_TNUMBER:
      return m._lua_tonumberx(L, idx, 0);
    case LUA_TSTRING:
      return readString(m, L, idx);
    case LUA_TTABLE:
      return tableToJs(ctx, L, m._lua_absindex(L, idx), seen ?? new Map());
    case LUA_TFUNCTION: {
      m._lua_pushvalue(L, idx);
      return ctx.wrapLuaFunction(ctx.ref(L));
    }
    default:
      return new LuaOpaque(t === 8 ? "thread" : "userdata");
  }
}

function tableToJs(ctx: ConvertContext, L: number, idx: number, seen: Map<number, unknown>): unknown {
  const m = ctx.m;
  const ptr = m._lua_topointer(L, idx);
  const known = seen.get(ptr);
  if (known !== undefined) return known;
  const keys: unknown[] = [];
  const values: unknown[] = [];
  let allPositiveInts = true;
  let maxKey = 0;
  const placeholder: Record<string, unknown> = {};
  seen.set(ptr, placeholder);
  m._lua_pushnil(L);
  while (m._lua_next(L, idx) !== 0) {
    const key = luaToJs(ctx, L, -2, seen);
    const value = luaToJs(ctx, L, -1, seen);
    m._lua_settop(L, -2);
    if (typeof key === "number" && Number.isInteger(key) && key >= 1) {
      if (key > maxKey) maxKey = key;
    } else {
      allPositiveInts = false;
    }
    keys.push(key);
    values.push(value);
  }
  // A sequence with a few nil holes stays an array; a sparse table does not.
  if (keys.length > 0 && allPositiveInts && maxKey <= keys.length * 2) {
    const arr: unknown[] = new Array(maxKey).fill(undefined);
    keys.forEach((k, i) => {
      arr[(k as number) - 1] = values[i];
    });
    seen.set(ptr, arr);
    fixCycles(placeholder, arr, values);
    return arr;
  }
  keys.forEach((k, i) => {
    placeholder[String(k)] = values[i];
  });
  return placeholder;
}

/** Values that pointed at the placeholder of a table later turned array point at the array. */
function fixCycles(placeholder: object, arr: unknown[], values: unknown[]): void {
  if (!values.some((v) => typeof v === "object" && v !== null)) return;
  const visit = (v: unknown, depth: number): void => {
    if (depth > 64 || typeof v !== "object" || v === null) return;
    for (const [k, child] of Object.entries(v)) {
      if (child === placeholder) (v as Record<string, unknown>)[k] = arr;
      else visit(child, depth + 1);
    }
  };
  for (let i = 0; i < arr.length; i++) {
    if (arr[i] === placeholder) arr[i] = arr;
    else visit(arr[i], 0);
  }
}

/** Push a JavaScript value onto Lua state `L`. */
export function jsToLua(ctx: ConvertContext, L: number, value: unknown, seen?: Map<object, number>, name = "?"): void {
  const m = ctx.m;
  switch (typeof value) {
    case "undefined":
      m._lua_pushnil(L);
      return;
    case "boolean":
      m._lua_pushboolean(L, value ? 1 : 0);
      return;
    case "number":
      pushNumber(ctx, L, value);
      return;
    case "bigint":
      pushInteger(ctx, L, value);
      return;
    case "string":
      pushString(m, L, value);
      return;
    case "function": {
      const ref = luaFunctionRefs.get(value);
      if (ref !== undefined) ctx.pushRef(L, ref);
      else ctx.pushHostFunction(L, value.name || name, value as (...args: any[]) => unknown);
      return;
    }
    case "object":
      break;
    default:
      throw new TypeError(`cannot pass a JavaScript ${typeof value} to Lua`);
  }
  if (value === null) {
    m._lua_pushnil(L);
    return;
  }
  if (value instanceof Uint8Array) {
    pushBytes(m, L, value);
    return;
  }
  if (seen === undefined) {
    const fresh = new Map<object, number>();
    try {
      jsToLua(ctx, L, value, fresh, name);
    } finally {
      for (const r of fresh.values()) ctx.unref(r);
    }
    return;
  }
  const seenMap = seen;
  const prior = seenMap.get(value);
  if (prior !== undefined) {
    ctx.pushRef(L, prior);
    return;
  }
  const isArray = Array.isArray(value);
  const entries = isArray ? null : Object.entries(value as Record<string, unknown>);
  m._lua_createtable(L, isArray ? value.length : 0, entries ? entries.length : 0);
  m._lua_pushvalue(L, -1);
  seenMap.set(value, ctx.ref(L));
  const tableIdx = m._lua_gettop(L);
  if (isArray) {
    value.forEach((item, i) => {
      pushInteger(ctx, L, BigInt(i + 1));
      jsToLua(ctx, L, item, seenMap, name);
      m._lua_rawset(L, tableIdx);
    });
  } else {
    for (const [k, v] of entries ?? []) {
      if (v === undefined) continue;
      pushString(m, L, k);
      jsToLua(ctx, L, v, seenMap, k);
      m._lua_rawset(L, tableIdx);
    }
  }
}

const INT_MIN = -(2 ** 63);
const INT_MAX = 2 ** 63;

function pushNumber(ctx: ConvertContext, L: number, n: number): void {
  if (Number.isInteger(n) && n >= INT_MIN && n < INT_MAX && !Object.is(n, -0)) {
    pushInteger(ctx, L, BigInt(n));
  } else {
    ctx.m._lua_pushnumber(L, n);
  }
}

function pushInteger(ctx: ConvertContext, L: number, n: bigint): void {
  (ctx.m as unknown as { _lua_pushinteger(L: number, n: bigint): void })._lua_pushinteger(L, n);
}
