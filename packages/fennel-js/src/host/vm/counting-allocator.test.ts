// The counting allocator's fast path: it must wrap the state's own
// WebAssembly allocator, reached through emscripten's function table. When
// that table cannot be found, the fall-back through JavaScript still works
// but costs about 1.7x on allocation-heavy Lua, which only a bench would
// show; these tests show it instead.
import { LuaFactory } from "wasmoon";
import { describe, expect, it } from "vitest";
import { countingAllocator, stateAllocator } from "./counting-allocator.js";

describe("the counting allocator", () => {
  it("wraps the Lua state's own WebAssembly allocator, not a JavaScript stand-in", async () => {
    const engine = await new LuaFactory().createEngine();
    try {
      const alloc = stateAllocator(engine.global);
      // A WebAssembly export reads as native code; the fall-back is a JavaScript closure.
      expect(Function.prototype.toString.call(alloc)).toContain("[native code]");
      // It is a working allocator: 64 bytes, grown to 128, then freed.
      const block = alloc(0, 0, 0, 64);
      expect(block).toBeGreaterThan(0);
      const grown = alloc(0, block, 64, 128);
      expect(grown).toBeGreaterThan(0);
      expect(alloc(0, grown, 128, 0)).toBe(0);
    } finally {
      engine.global.close();
    }
  });

  it("counts what it hands out and refuses growth past its limit, telling of the refusal", async () => {
    const engine = await new LuaFactory().createEngine();
    try {
      const refusals: number[] = [];
      const counting = countingAllocator(stateAllocator(engine.global), { refused: (_b, size) => refusals.push(size), granted: () => {} });
      counting.limit.value = 1000;
      const a = counting.allocf(0, 0, 0, 600);
      expect(a).toBeGreaterThan(0);
      expect(counting.used.value).toBe(600);
      expect(counting.allocf(0, 0, 0, 600)).toBe(0);
      expect(refusals).toEqual([600]);
      expect(counting.used.value).toBe(600);
      // Shrinking is always granted, and freeing gives the bytes back.
      const b = counting.allocf(0, a, 600, 100);
      expect(b).toBeGreaterThan(0);
      expect(counting.used.value).toBe(100);
      expect(counting.allocf(0, b, 100, 0)).toBe(0);
      expect(counting.used.value).toBe(0);
    } finally {
      engine.global.close();
    }
  });
});
