// Running Lua on its own thread: resume, park on awaited host calls until
// their promises settle, resume again; and turning a Lua error into a
// LuaRuntimeError with .fnl positions and a traceback.
import type { LuaThread } from "wasmoon";
import { LuaRuntimeError, type ChunkMap } from "../chunks.js";
import { luaToJs, type ConvertContext } from "../convert.js";
import type { Registry } from "../engine.js";
import type { HostCalls } from "../host-calls.js";
import { memoryLimitMessage, type MemoryLimit } from "./memory-limit.js";
import { LUA_TNUMBER, LUA_TSTRING, readString, type RawLua } from "../lua-stack.js";

const LUA_OK = 0;
const LUA_YIELD = 1;
const LUA_ERRMEM = 4;

/** What running a thread needs from its VM. */
export interface ThreadHost {
  readonly global: LuaThread;
  readonly m: RawLua;
  readonly reg: Registry;
  readonly ctx: ConvertContext;
  readonly calls: HostCalls;
  readonly chunks: ChunkMap;
  readonly awaitToken: string;
  readonly runEntryRef: number;
  /** The deadline of the run whose thread Lua is executing right now. */
  activeDeadline: number;
  /** The thread of the run whose Lua is executing right now. */
  activeThread: number;
  /** The count hook that stops a run past its deadline (one per VM). */
  deadlineHook(): number;
  /** Lua's allocator, which keeps the memory limit. */
  readonly memory: MemoryLimit;
  isClosed(): boolean;
}

export interface RunOptions {
  /** Stop the run (wherever it is, even inside pcall) after this many milliseconds. */
  timeoutMs?: number;
}

/**
 * Instructions between two looks at the clock when a run has a deadline. Any
 * count hook puts Lua's interpreter in its per-instruction trap mode, so runs
 * without a deadline have none (the memory limit is kept by the allocator).
 */
const HOOK_EVERY = 10_000;
const LUA_MASKCOUNT = 8;

/** Run a Lua function (pushed by `push`, returning its argument count) on a new thread. */
export async function runOnThread(
  vm: ThreadHost,
  push: (L: number) => number,
  opts: RunOptions = {},
): Promise<unknown[]> {
  // The host's own set-up runs outside any protected call, where a refused
  // allocation would abort the whole VM: it may pass the limit, and the run's
  // first allocation past it stops the run instead.
  const thread = vm.memory.unlimited(() => vm.global.newThread());
  const threadRef = vm.memory.unlimited(() => vm.reg.ref(vm.global.address));
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  const timedOut = (L: number): LuaRuntimeError => timeoutError(vm, L, opts.timeoutMs ?? 0);
  try {
    const L = thread.address;
    if (deadline !== Infinity) vm.global.lua.lua_sethook(L, vm.deadlineHook(), LUA_MASKCOUNT, HOOK_EVERY);
    vm.memory.unlimited(() => vm.reg.push(L, vm.runEntryRef));
    // A limit reached before (by compile-time code) is no business of this run.
    vm.memory.clear();
    const resume = (n: number) => {
      const outerDeadline = vm.activeDeadline;
      const outerThread = vm.activeThread;
      vm.activeDeadline = deadline;
      vm.activeThread = L;
      try {
        return thread.resume(n);
      } finally {
        vm.activeDeadline = outerDeadline;
        vm.activeThread = outerThread;
      }
    };
    let res = resume(vm.memory.unlimited(() => push(L)) + 1);
    while (res.result === LUA_YIELD) {
      const id = awaitedCall(vm, L, res.resultCount);
      vm.m._lua_settop(L, -res.resultCount - 1);
      if (id === undefined) {
        if (Date.now() > deadline) throw timedOut(L);
        const msg = "attempt to yield from outside a coroutine";
        throw new LuaRuntimeError({ message: msg, luaMessage: msg, value: undefined });
      }
      if (deadline === Infinity) await vm.calls.wait(id);
      else if (!(await settlesBefore(vm.calls.wait(id), deadline))) {
        vm.calls.cancel(id);
        throw timedOut(L);
      }
      if (vm.isClosed()) throw new Error("the VM was closed while Fennel code was waiting on a host function");
      res = resume(0);
    }
    if (res.result !== LUA_OK) {
      // Past the limit: whatever error reached the top (pcall and coroutine.resume raised it again).
      if (vm.memory.limit !== Infinity && (vm.memory.exceeded || res.result === LUA_ERRMEM)) throw memoryError(vm, L);
      throw vm.memory.unlimited(() => runtimeError(vm, L));
    }
    const top = vm.m._lua_gettop(L);
    const values: unknown[] = [];
    vm.memory.unlimited(() => {
      for (let i = top - res.resultCount + 1; i <= top; i++) values.push(luaToJs(vm.ctx, L, i));
    });
    return values;
  } finally {
    if (!vm.isClosed()) vm.reg.unref(threadRef);
  }
}

function settlesBefore(p: Promise<void>, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    void p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** The timeout as an error at the Fennel line the suspended thread had reached. */
function timeoutError(vm: ThreadHost, L: number, ms: number): LuaRuntimeError {
  return vm.memory.unlimited(() => stoppedError(vm, L, `timed out after ${ms} ms`, { timedOut: true }));
}

/**
 * The memory limit as an error at the Fennel line that allocated past it
 * (the nearest Fennel frame of the run's thread then), or else the line the
 * thread had reached.
 */
function memoryError(vm: ThreadHost, L: number): LuaRuntimeError {
  const at = vm.memory.where.map((p) => vm.chunks.rewrite(p)).find((p) => p.file !== undefined);
  vm.memory.clear();
  const message = memoryLimitMessage(vm.memory.limit);
  return vm.memory.unlimited(() => stoppedError(vm, L, message, { memoryExceeded: true }, at));
}

/** `text` after the position the suspended thread had reached (or `at`), with its traceback. */
function stoppedError(
  vm: ThreadHost,
  L: number,
  text: string,
  why: { timedOut?: boolean; memoryExceeded?: boolean },
  at?: { file?: string; line?: number },
): LuaRuntimeError {
  vm.global.lua.luaL_traceback(L, L, null, 0);
  const traced = vm.chunks.rewrite(readString(vm.m, L, -1));
  vm.m._lua_settop(L, -2);
  const tb = { text: traced.text, ...(at ?? traced) };
  const where = tb.file !== undefined ? `${tb.file}:${tb.line}: ` : "";
  const message = `${where}${text}`;
  return new LuaRuntimeError({
    message,
    luaMessage: message,
    value: undefined,
    ...(tb.file !== undefined ? { file: tb.file, line: tb.line } : {}),
    traceback: tb.text,
    ...why,
  });
}

function awaitedCall(vm: ThreadHost, L: number, count: number): number | undefined {
  if (count !== 2 || vm.m._lua_type(L, -2) !== LUA_TSTRING) return undefined;
  if (readString(vm.m, L, -2) !== vm.awaitToken) return undefined;
  const id = vm.m._lua_tonumberx(L, -1, 0);
  return vm.calls.has(id) ? id : undefined;
}

/** The error at the top of `L` as a LuaRuntimeError, positions mapped to .fnl lines. */
export function runtimeError(vm: ThreadHost, L: number): LuaRuntimeError {
  const m = vm.m;
  const value = luaToJs(vm.ctx, L, -1);
  const t = m._lua_type(L, -1);
  let raw: string;
  // As the reference launcher prints it: tostring of the value (so __tostring applies).
  if (t === LUA_TSTRING || t === LUA_TNUMBER) raw = readString(m, L, -1);
  else {
    raw = vm.global.lua.luaL_tolstring(L, -1, null);
    m._lua_settop(L, -2);
  }
  vm.global.lua.luaL_traceback(L, L, null, 0);
  const tb = readString(m, L, -1);
  m._lua_settop(L, -2);
  const mapped = vm.chunks.rewrite(raw);
  return new LuaRuntimeError({
    message: mapped.text,
    luaMessage: raw,
    value,
    ...(mapped.file !== undefined ? { file: mapped.file, line: mapped.line } : {}),
    // Frames inside the host's own Lua (prelude, io layer) are not the user's business.
    traceback: vm.chunks
      .rewrite(tb)
      .text.split("\n")
      .filter((l) => !l.startsWith("\tfennel-js."))
      .join("\n"),
  });
}
