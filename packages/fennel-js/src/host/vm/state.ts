// The state every part of a VM works on: the wasmoon engine and its raw
// stack access, the registry, host functions, pending host calls, the chunk
// map and the refs of the prelude's helpers. Lower than every other file in
// this folder: they take a VMState; vm.ts builds the public VM on top of it.
import path from "node:path";
import type { LuaEngine, LuaThread } from "wasmoon";
import { ChunkMap } from "../chunks.js";
import type { ConvertContext, LuaFunction } from "../convert.js";
import { rawLua, RawFunctions, registry, type Registry } from "../engine.js";
import { HostCalls } from "../host-calls.js";
import { pushString, type RawLua } from "../lua-stack.js";
import type { OutputSink } from "../node-files.js";
import type { CompilerSide } from "../../compiler/compile-time.js";
import type { Scope } from "../../compiler/scope.js";
import { MemoryLimit } from "./memory-limit.js";
import type { VMOptions } from "./options.js";

/** Registry refs of the AST metatables and the sequence marker of one VM. */
export interface FormTypes {
  list: number;
  sym: number;
  varg: number;
  comment: number;
  sequenceMarker: number;
  sequenceView: number;
}

/** A compile running in a VM: the compiler, and the scope a macro runs in. */
export interface CompileFrame {
  compiler: CompilerSide;
  scope: Scope | undefined;
}

/** Registry refs of the prelude's helpers and the Fennel view. */
export interface VMHelpers {
  wrapHost: number;
  globalNames: number;
  fennel: number;
  view: number;
  printValues: number;
  viewValues: number;
  runEntry: number;
  /** Makes pcall, xpcall and coroutine.resume pass the memory limit on (prelude.ts). */
  guardCatches: number;
}

/** How Lua functions become JS callables and JS functions host functions (functions.ts). */
export interface FunctionBridge {
  wrapLuaFunction(state: VMState, ref: number): LuaFunction;
  pushHostFunction(state: VMState, L: number, name: string, fn: (...args: any[]) => unknown): void;
}

const AWAIT_TOKEN = `fennel-js:await:${Math.random().toString(36).slice(2)}`;

export class VMState {
  readonly engine: LuaEngine;
  readonly global: LuaThread;
  readonly m: RawLua;
  readonly reg: Registry;
  readonly raw: RawFunctions;
  readonly ctx: ConvertContext;
  readonly calls: HostCalls;
  readonly chunks = new ChunkMap();
  /** Directory that module paths are relative to. */
  readonly root: string;
  /** Globals allowed besides those present in the VM; false: no strict checking. */
  readonly allowed: string[] | false;
  readonly output: OutputSink;
  readonly luaModules: boolean;
  readonly awaitToken = AWAIT_TOKEN;
  /** Set by boot.ts once the prelude has run. */
  helpers!: VMHelpers;
  /** The AST metatables and sequence marker, as forms cross into this VM. */
  formTypes!: FormTypes;
  /**
   * The fennel module's utils, the module itself, the host primitives table,
   * and what the fennel module keeps of Lua from before the profile (load).
   */
  libraryRefs!: { utils: number; fennel: number; host: number; privileged: number };
  /** The compile-time helpers, once loaded (boot.ts compileTimeLibrary). */
  compileTimeRefs: { specials: number; ct: number } | undefined;
  /** Compiles running in this VM, innermost last: what macro helpers act on. */
  readonly compileStack: CompileFrame[] = [];
  /** Numbers fresh names when no compile is running (fennel.gensym). */
  gensymCount = 0;
  /** Where module search and read_file look instead of the disk, while set (a compile's readFile). */
  fileAccess: ((path: string) => string | undefined) | undefined;
  /** `package`, kept so modules can be registered when the profile removes the global. */
  packageRef = 0;
  /** The deadline of the run whose thread Lua is executing right now. */
  activeDeadline = Infinity;
  /** The thread of the run whose Lua is executing right now (0: none, the main thread's). */
  activeThread = 0;
  /** Lua's allocator once a memory limit is set (memory-limit.ts). */
  readonly memory: MemoryLimit;
  /** `collectgarbage`, kept to read what Lua holds whatever the profile removes. */
  gcRef = 0;
  private hookPtr: number | undefined;
  private closed = false;

  constructor(engine: LuaEngine, readonly options: VMOptions, bridge: FunctionBridge) {
    this.engine = engine;
    this.global = engine.global;
    this.m = rawLua(this.global);
    this.reg = registry(this.global);
    this.raw = new RawFunctions(this.global);
    this.root = path.resolve(options.root ?? process.cwd());
    this.allowed = options.allowedGlobals === undefined ? [] : options.allowedGlobals;
    this.output = options.stdout ?? defaultStdout();
    this.luaModules = options.luaModules ?? options.profile === "cli";
    this.ctx = {
      m: this.m,
      ref: (L) => this.reg.ref(L),
      unref: (r) => this.reg.unref(r),
      pushRef: (L, r) => this.reg.push(L, r),
      wrapLuaFunction: (r) => bridge.wrapLuaFunction(this, r),
      pushHostFunction: (L, name, fn) => bridge.pushHostFunction(this, L, name, fn),
    };
    this.calls = new HostCalls(this.ctx);
    this.memory = new MemoryLimit(this.global, () => this.activeThread || this.global.address);
    this.global.lua.lua_getglobal(this.global.address, "collectgarbage");
    this.gcRef = this.reg.ref(this.global.address);
    if (options.memoryLimitBytes !== undefined) this.memoryLimit = options.memoryLimitBytes;
  }

  /**
   * Most bytes Lua may hold (options.memoryLimitBytes), Infinity for no limit.
   * Kept by Lua's allocator from the moment it is set.
   */
  get memoryLimit(): number {
    return this.memory.limit;
  }

  set memoryLimit(bytes: number) {
    if (!(bytes > 0)) throw new Error(`memoryLimitBytes must be a number of bytes above 0 (or Infinity for no limit), not ${String(bytes)}`);
    if (bytes !== Infinity && !this.memory.installed) {
      this.memory.install(this.luaBytes(this.global.address));
      // Built before the prelude: the VM guards the catch points once it has loaded it.
      if (this.helpers !== undefined) this.guardCatches();
    }
    this.memory.limit = bytes;
  }

  /**
   * pcall, xpcall and coroutine.resume raise the memory limit again rather
   * than catch it, from now on (code that kept the originals is not changed).
   */
  guardCatches(): void {
    const L = this.global.address;
    this.reg.push(L, this.helpers.guardCatches);
    this.global.lua.lua_callk(L, 0, 0, 0, null);
  }

  /** Bytes Lua holds now (collectgarbage "count"), called on `L`'s stack. */
  private luaBytes(L: number): number {
    const lua = this.global.lua;
    this.reg.push(L, this.gcRef);
    pushString(this.m, L, "count");
    lua.lua_callk(L, 1, 1, 0, null);
    const kb = this.m._lua_tonumberx(L, -1, 0);
    this.m._lua_settop(L, -2);
    return kb * 1024;
  }

  get runEntryRef(): number {
    return this.helpers.runEntry;
  }

  /** The count hook that stops a run past its deadline (one per VM). */
  deadlineHook(): number {
    if (this.hookPtr === undefined) {
      const lua = this.global.lua;
      this.hookPtr = lua.module.addFunction((L: number) => {
        if (Date.now() <= this.activeDeadline) return;
        // Yielding cannot be caught by pcall; where Lua cannot yield, raise.
        if (lua.lua_isyieldable(L)) lua.lua_yieldk(L, 0, 0, null);
        else {
          pushString(this.m, L, "timed out");
          lua.lua_error(L);
        }
      }, "vii");
    }
    return this.hookPtr;
  }

  releaseRef(ref: number): void {
    if (!this.closed) this.reg.unref(ref);
  }

  isClosed(): boolean {
    return this.closed;
  }

  assertOpen(): void {
    if (this.closed) throw new Error("this VM is closed");
  }

  close(): void {
    if (this.closed) return;
    this.output.flush();
    this.closed = true;
    this.global.close();
    this.raw.close();
    if (this.hookPtr !== undefined) this.global.lua.module.removeFunction(this.hookPtr);
    this.memory.close();
  }
}

function defaultStdout(): OutputSink {
  return {
    write(bytes: Uint8Array): void {
      process.stdout.write(bytes);
    },
    flush(): void {},
  };
}
