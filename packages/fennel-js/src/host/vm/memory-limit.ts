// The VM's memory limit, kept by Lua's allocator: once a limit is set, every
// allocation Lua makes goes through a counting allocator
// (counting-allocator.ts) that keeps the bytes Lua holds and refuses growth
// past the limit. Lua answers a refusal with a full collection and one more
// try (so garbage does not count); when that is refused too it raises "not
// enough memory", which this file notes as the limit reached, with the
// position the run's thread had reached. The prelude (pcall, xpcall,
// coroutine.resume) and the thread runner (threads.ts) turn that note into a
// stop that Lua code cannot catch.
import type { LuaThread } from "wasmoon";
import type { RawLua } from "../lua-stack.js";
import { countingAllocator, stateAllocator, type CountingAllocator } from "./counting-allocator.js";

/** The memory limit's error text: `memory limit of 512 MiB reached`. */
export function memoryLimitMessage(bytes: number): string {
  const size = bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
  return `memory limit of ${size} reached`;
}

/** A Lua position as luaL_where writes it: `chunk:LINE:`. */
export type LuaPosition = string;

// struct lua_Debug on wasm32: int event; 5 pointers and a size_t; then
// currentline at 24 ... short_src[LUA_IDSIZE = 60] at 44.
const DEBUG_SIZE = 128;
const CURRENTLINE = 24;
const SHORT_SRC = 44;
const IDSIZE = 60;
/** Frames looked at for a position (the nearest ones are the likely ones). */
const MAX_LEVELS = 50;

export class MemoryLimit {
  /** Set when an allocation was refused for good: Lua is raising "not enough memory". */
  exceeded = false;
  /** Where the run's thread was when the limit was reached (set with `exceeded`). */
  where: LuaPosition[] = [];
  private allocator: CountingAllocator | undefined;
  private pointer: number | undefined;
  private noLimit = Infinity;
  private debugInfo = 0;
  // The first growth refused: Lua's core asks once more after a full
  // collection, and takes it back if that is granted.
  private refusedBlock = 0;
  private refusedSize = 0;
  /** Whether `where` starts at a coroutine that the limit stopped. */
  private inCoroutine = false;

  constructor(
    private readonly global: LuaThread,
    /** The thread whose Lua is running now (the run's thread, not a coroutine of it). */
    private readonly runningThread: () => number,
  ) {}

  get installed(): boolean {
    return this.allocator !== undefined;
  }

  /** Most bytes Lua may hold; Infinity: no limit. */
  get limit(): number {
    return this.allocator === undefined ? this.noLimit : (this.allocator.limit.value as number);
  }

  set limit(bytes: number) {
    if (this.allocator === undefined) this.noLimit = bytes;
    else this.allocator.limit.value = bytes;
  }

  /** Bytes Lua holds now (as Lua counts them: what its allocator handed out). */
  get used(): number {
    return this.allocator === undefined ? 0 : (this.allocator.used.value as number);
  }

  /** Route Lua's allocations through the counting allocator; `holding` is what Lua holds now. */
  install(holding: number): void {
    if (this.allocator !== undefined) return;
    const lua = this.global.lua;
    const m = lua.module as unknown as RawLua;
    const L = this.global.address;
    this.debugInfo = m._malloc(DEBUG_SIZE);
    this.allocator = countingAllocator(stateAllocator(this.global), {
      refused: (block, size) => this.refuse(block, size >>> 0),
      granted: (block, size) => this.granted(block, size >>> 0),
    });
    this.allocator.used.value = holding;
    this.allocator.limit.value = this.noLimit;
    this.pointer = lua.module.addFunction(this.allocator.allocf, "iiiii");
    lua.lua_setallocf(L, this.pointer, 0);
  }

  /**
   * Run `f` with no limit: for the host's own Lua calls outside any
   * protected call (an error's traceback), where a refusal cannot be caught.
   */
  unlimited<T>(f: () => T): T {
    const limit = this.limit;
    this.limit = Infinity;
    try {
      return f();
    } finally {
      this.limit = limit;
    }
  }

  /** Forget a reached limit (its run has reported it, or a new run starts). */
  clear(): void {
    this.exceeded = false;
    this.where = [];
    this.inCoroutine = false;
    if (this.allocator !== undefined) this.allocator.watch.value = 0;
  }

  /**
   * A refusal is the limit reached: Lua's core raises "not enough memory"
   * unless its one more try after a full collection is granted, and the
   * auxiliary library's buffers (string.rep, table.concat, string.format…)
   * raise it at once.
   */
  private refuse(block: number, size: number): void {
    if (this.exceeded) {
      this.allocator!.watch.value = 0;
      return;
    }
    this.exceeded = true;
    this.where = this.positions(this.runningThread());
    this.allocator!.watch.value = 1;
    this.refusedBlock = block;
    this.refusedSize = size;
  }

  /** A growth granted after a refusal: the retry of the same request takes the refusal back. */
  private granted(block: number, size: number): void {
    if (block === this.refusedBlock && size === this.refusedSize) this.clear();
    this.allocator!.watch.value = 0;
  }

  /**
   * The limit stopped coroutine `co` (it is dead, its stack kept): its
   * frames go first, the innermost coroutine's only (it is told first).
   */
  stoppedIn(co: number): void {
    if (!this.exceeded || this.inCoroutine) return;
    this.inCoroutine = true;
    this.where = [...this.positions(co), ...this.where];
  }

  /**
   * The positions of `L`'s Lua frames, innermost first. Read in the middle
   * of an allocation, so nothing here may allocate in Lua: lua_getinfo with
   * "Sl" only fills the lua_Debug it is given.
   */
  private positions(L: number): LuaPosition[] {
    const lua = this.global.lua;
    const m = lua.module as unknown as RawLua;
    const found: LuaPosition[] = [];
    for (let level = 0; level < MAX_LEVELS && lua.lua_getstack(L, level, this.debugInfo) !== 0; level++) {
      lua.lua_getinfo(L, "Sl", this.debugInfo);
      const line = m.HEAP32[(this.debugInfo + CURRENTLINE) >> 2]!;
      if (line <= 0) continue;
      const src = m.HEAPU8.subarray(this.debugInfo + SHORT_SRC, this.debugInfo + SHORT_SRC + IDSIZE);
      const end = src.indexOf(0);
      found.push(`${Buffer.from(src.subarray(0, end === -1 ? IDSIZE : end)).toString("utf8")}:${line}:`);
    }
    return found;
  }

  /** After the state is closed (Lua frees through the allocator until then). */
  close(): void {
    const lua = this.global.lua;
    if (this.pointer !== undefined) lua.module.removeFunction(this.pointer);
    if (this.debugInfo !== 0) (lua.module as unknown as RawLua)._free(this.debugInfo);
    this.pointer = undefined;
  }
}

