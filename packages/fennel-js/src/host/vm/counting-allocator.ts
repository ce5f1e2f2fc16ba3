// Lua's allocator with a byte count and a limit, as a WebAssembly function of
// its own (hand-assembled below), so that an allocation costs a call between
// two WebAssembly modules rather than a trip through JavaScript. It wraps the
// allocator the Lua state was made with (lauxlib's l_alloc: realloc/free),
// keeps the bytes Lua holds in `used`, refuses growth past `limit`, and tells
// JavaScript of a refusal (`refused`) and, while `watch` is set, of growth
// granted (`granted`). memory-limit.ts decides what those mean.

import type { LuaThread } from "wasmoon";
import type { RawLua } from "../lua-stack.js";

/** What the allocator tells JavaScript: a refusal, and growth granted while watched. */
export interface AllocatorEvents {
  refused(block: number, size: number): void;
  granted(block: number, size: number): void;
}

/** A lua_Alloc: (ud, block, oldSize, newSize) -> block. */
export type LuaAlloc = (ud: number, block: number, oldSize: number, newSize: number) => number;

/** A mutable WebAssembly global, as JavaScript sees it. */
interface WasmGlobal {
  value: number;
}

export interface CountingAllocator {
  readonly allocf: LuaAlloc;
  /** Bytes Lua holds. */
  readonly used: WasmGlobal;
  /** Most bytes Lua may hold (Infinity: no limit). */
  readonly limit: WasmGlobal;
  /** Non-zero: call `granted` on growth granted. */
  readonly watch: WasmGlobal;
}

interface WasmTable {
  get(index: number): unknown;
  set(index: number, value: unknown): void;
}

// The WebAssembly API as far as it is used here (the project's TypeScript libs do not declare it).
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: unknown };
      Table: { prototype: WasmTable };
    };
  }
).WebAssembly;

const I32 = 0x7f;
const F64 = 0x7c;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, "utf8")];
const f64Zero = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];

// Opcodes.
const [IF, ELSE, END, RETURN, CALL, DROP] = [0x04, 0x05, 0x0b, 0x0f, 0x10, 0x1a];
const [LOCAL_GET, LOCAL_SET, LOCAL_TEE, GLOBAL_GET, GLOBAL_SET] = [0x20, 0x21, 0x22, 0x23, 0x24];
const [I32_CONST, I32_EQZ, F64_GT, F64_ADD, F64_SUB, F64_FROM_U32] = [0x41, 0x45, 0x64, 0xa0, 0xa1, 0xb8];
const VOID = 0x40;

// Imported functions 0 alloc, 1 refused, 2 granted; globals 0 used, 1 limit, 2 watch.
// Params 0 ud, 1 block, 2 oldSize, 3 newSize; locals 4 before (f64), 5 growth (f64), 6 result (i32).
const ALLOC_ARGS = [LOCAL_GET, 0, LOCAL_GET, 1, LOCAL_GET, 2, LOCAL_GET, 3, CALL, 0];
// prettier-ignore
const BODY = [
  // before = block ? oldSize : 0 (with no block, oldSize is the kind of object)
  LOCAL_GET, 1, IF, F64, LOCAL_GET, 2, F64_FROM_U32, ELSE, ...f64Zero, END, LOCAL_SET, 4,
  // newSize 0: free
  LOCAL_GET, 3, I32_EQZ, IF, VOID,
    LOCAL_GET, 1, IF, VOID,
      GLOBAL_GET, 0, LOCAL_GET, 4, F64_SUB, GLOBAL_SET, 0,
      ...ALLOC_ARGS, DROP,
    END,
    I32_CONST, 0, RETURN,
  END,
  // growth past the limit: refuse
  LOCAL_GET, 3, F64_FROM_U32, LOCAL_GET, 4, F64_SUB, LOCAL_TEE, 5, ...f64Zero, F64_GT, IF, VOID,
    GLOBAL_GET, 0, LOCAL_GET, 5, F64_ADD, GLOBAL_GET, 1, F64_GT, IF, VOID,
      LOCAL_GET, 1, LOCAL_GET, 3, CALL, 1, I32_CONST, 0, RETURN,
    END,
  END,
  ...ALLOC_ARGS, LOCAL_TEE, 6, IF, VOID,
    GLOBAL_GET, 0, LOCAL_GET, 5, F64_ADD, GLOBAL_SET, 0,
    GLOBAL_GET, 2, IF, VOID,
      LOCAL_GET, 5, ...f64Zero, F64_GT, IF, VOID, LOCAL_GET, 1, LOCAL_GET, 3, CALL, 2, END,
    END,
  END,
  LOCAL_GET, 6,
  END,
];

const ALLOC_TYPE = [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([[I32]])];
const EVENT_TYPE = [0x60, ...vec([[I32], [I32]]), ...vec([])];
const mutableF64 = (init: number[]): number[] => [F64, 1, ...init, END];

const MODULE_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([ALLOC_TYPE, EVENT_TYPE])),
  ...section(2, vec([
    [...name("m"), ...name("alloc"), 0x00, 0],
    [...name("m"), ...name("refused"), 0x00, 1],
    [...name("m"), ...name("granted"), 0x00, 1],
  ])),
  ...section(3, vec([[0]])),
  ...section(6, vec([mutableF64(f64Zero), mutableF64(f64Zero), [I32, 1, I32_CONST, 0, END]])),
  ...section(7, vec([
    [...name("allocf"), 0x00, 3],
    [...name("used"), 0x03, 0],
    [...name("limit"), 0x03, 1],
    [...name("watch"), 0x03, 2],
  ])),
  ...section(10, vec([[...uleb(BODY.length + 5), ...vec([[2, F64], [1, I32]]), ...BODY]])),
]);

let compiled: object | undefined;

/** A counting allocator around `alloc` (ideally the state's own WebAssembly function). */
export function countingAllocator(alloc: LuaAlloc, events: AllocatorEvents): CountingAllocator {
  compiled ??= new wasm.Module(MODULE_BYTES);
  const imports = { m: { alloc, refused: events.refused, granted: events.granted } };
  return new wasm.Instance(compiled, imports).exports as CountingAllocator;
}

/**
 * The allocator the state was made with, as the WebAssembly function itself
 * when the module's function table can be reached (emscripten does not
 * export it: it is the table that addFunction writes to), else through
 * realloc and free called from JavaScript.
 */
export function stateAllocator(global: LuaThread): LuaAlloc {
  const lua = global.lua;
  const m = lua.module as unknown as RawLua & { _lua_getallocf(L: number, ud: number): number };
  const index = m._lua_getallocf(global.address, 0);
  const table = functionTable(lua.module);
  const own = table?.get(index);
  if (typeof own === "function") return own as LuaAlloc;
  return (_ud, block, _oldSize, newSize) => {
    if (newSize !== 0) return m._realloc(block, newSize >>> 0);
    m._free(block);
    return 0;
  };
}

/** The table emscripten's addFunction writes to, seen by watching it write one entry (and take it back). */
function functionTable(module: { addFunction(f: (...a: number[]) => number, sig: string): number; removeFunction(p: number): void }): WasmTable | undefined {
  const proto = wasm.Table.prototype;
  const set = proto.set;
  let table: WasmTable | undefined;
  proto.set = function (this: WasmTable, ...args: Parameters<typeof set>) {
    table = this;
    return set.apply(this, args);
  };
  try {
    module.removeFunction(module.addFunction(() => 0, "i"));
  } finally {
    proto.set = set;
  }
  return table;
}
