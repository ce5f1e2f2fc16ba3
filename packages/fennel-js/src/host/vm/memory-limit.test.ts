// The VM's memory limit against a real wasmoon Lua: one allocation past it,
// bombs that grow strings or tables, and the places Lua code catches errors
// (pcall, xpcall, coroutines), none of which may carry on past the limit.
import { afterEach, describe, expect, it } from "vitest";
import { LuaRuntimeError } from "../chunks.js";
import { createVM, type VM } from "./vm.js";

const MiB = 1024 * 1024;
const open: VM[] = [];
async function limited(bytes = 32 * MiB): Promise<VM> {
  const vm = await createVM({ profile: "pipeline", memoryLimitBytes: bytes });
  open.push(vm);
  return vm;
}
afterEach(() => {
  for (const vm of open.splice(0)) vm.close();
});

async function stopped(vm: VM, source: string): Promise<LuaRuntimeError> {
  try {
    await vm.evalString(source, { filename: "ci.fnl" });
  } catch (e) {
    expect(e).toBeInstanceOf(LuaRuntimeError);
    return e as LuaRuntimeError;
  }
  throw new Error("expected the run to be stopped");
}

describe("the memory limit", () => {
  it("stops one allocation past it at the line that made it, even under pcall", async () => {
    const vm = await limited();
    const err = await stopped(vm, `(local t [])\n(local (ok e) (pcall string.rep "x" 2e9))\n(error (.. "pcall caught it: " (tostring e)))`);
    expect(err.message).toBe("ci.fnl:2: memory limit of 32 MiB reached");
    expect(err.memoryExceeded).toBe(true);
    expect(err.line).toBe(2);
  });

  it("is not caught by xpcall's handler or a coroutine", async () => {
    const vm = await limited();
    const viaXpcall = await stopped(vm, `(xpcall #(table.concat [(string.rep "x" 20e6) (string.rep "y" 20e6)])\n  #:handled)\n:carried-on`);
    expect(viaXpcall.message).toBe("ci.fnl:1: memory limit of 32 MiB reached");
    // Named at the line inside the coroutine, however deep.
    const viaCoroutine = await stopped(
      vm,
      `(local co (coroutine.create (fn []\n  (var s "x")\n  (while true (set s (.. s s))))))\n(coroutine.resume co)\n:carried-on`,
    );
    expect(viaCoroutine.message).toBe("ci.fnl:3: memory limit of 32 MiB reached");
    const nested = await stopped(
      vm,
      `(local inner (coroutine.wrap (fn []\n  (pcall string.rep "x" 1e9)\n  :carried-on)))\n(local outer (coroutine.create (fn [] (inner))))\n(coroutine.resume outer)\n:carried-on`,
    );
    expect(nested.message).toBe("ci.fnl:2: memory limit of 32 MiB reached");
  });

  it("stops a string-building bomb before Lua holds more than the limit", async () => {
    const vm = await limited();
    const err = await stopped(vm, `(pcall (fn []\n  (var s "x")\n  (while true (set s (.. s s)))))\n:carried-on`);
    expect(err.message).toBe("ci.fnl:3: memory limit of 32 MiB reached");
    expect(vm.memory.used).toBeLessThanOrEqual(32 * MiB);
  });

  it("stops a table bomb at the line that grows it", async () => {
    const vm = await limited();
    const err = await stopped(vm, `(local t [])\n(for [i 1 100000000]\n  (tset t i [i i i i]))`);
    expect(err.message).toBe("ci.fnl:3: memory limit of 32 MiB reached");
    expect(vm.memory.used).toBeLessThanOrEqual(32 * MiB);
  });

  it("counts garbage only until a collection frees it, and the VM runs on after a stop", async () => {
    const vm = await limited();
    // 200 MB allocated in all, never more than ~2 MB alive.
    expect(await vm.evalString(`(var n 0) (for [i 1 200] (set n (+ n (length (string.rep "x" 1e6))))) n`)).toEqual([200e6]);
    await stopped(vm, `(string.rep "x" 1e9)`);
    expect(await vm.evalString(`(let [(ok e) (pcall error "plain")] [ok e])`)).toEqual([[false, "plain"]]);
  });

  it("holds from the moment it is set on a VM made without one", async () => {
    const vm = await createVM({ profile: "pipeline" });
    open.push(vm);
    expect(await vm.evalString(`(length (string.rep "x" 40e6))`)).toEqual([40e6]);
    vm.memoryLimit = 16 * MiB;
    const err = await stopped(vm, `(length (string.rep "x" 40e6))`);
    expect(err.message).toBe("ci.fnl:1: memory limit of 16 MiB reached");
    expect(() => (vm.memoryLimit = 0)).toThrow(/memoryLimitBytes must be a number of bytes above 0/);
  });
  it("lets the next run start while live memory sits at the limit: no abort, and its first allocation past it stops at its line", async () => {
    const vm = await limited();
    // The memory stays live in a global after the stop, right up to the limit.
    await stopped(vm, `(global hog []) (var i 0) (while true (set i (+ i 1)) (tset hog i (.. "x" i)))`);
    // Starting a run (its thread, its arguments) allocates outside any
    // protected call; refused there, Lua would abort the whole VM.
    expect(await vm.evalString(`(+ 1 2)`, { filename: "next.fnl" })).toEqual([3]);
    const err = await stopped(vm, `(local n 100000)\n(local s (string.rep "z" n))`);
    expect(err.message).toMatch(/^ci\.fnl:2: memory limit of 32 MiB reached$/);
    // Freed again, the VM runs on.
    await vm.evalString(`(set _G.hog nil) (collectgarbage)`, { filename: "free.fnl" });
    expect(await vm.evalString(`(length (string.rep "z" 1e6))`)).toEqual([1e6]);
  });
});
