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
import { pushString, readString, type RawLua } from "../lua-stack.js";
import type { OutputSink } from "../node-files.js";
import type { CompilerSide } from "../../compiler/compile-time.js";
import type { Scope } from "../../compiler/scope.js";
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
}

/** How Lua functions become JS callables and JS functions host functions (functions.ts). */
export interface FunctionBridge {
  wrapLuaFunction(state: VMState, ref: number): LuaFunction;
  pushHostFunction(state: VMState, L: number, name: string, fn: (...args: any[]) => unknown): void;
}

/** The memory limit's error text: `memory limit of 512 MiB reached`. */
export function memoryLimitMessage(bytes: number): string {
  const size = bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
  return `memory limit of ${size} reached`;
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
  /**
   * Most bytes Lua may hold (options.memoryLimitBytes), Infinity for no limit.
   * A new value holds from the next check on; runs started without a limit stay without.
   */
  memoryLimit: number;
  /** Set by the hook when Lua went past memoryLimit; the run that did it reports it. */
  memoryExceeded = false;
  /** `collectgarbage`, kept for the hook whatever the profile removes. */
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
    this.memoryLimit = options.memoryLimitBytes ?? Infinity;
  }

  /** Bytes Lua holds now; with `collect`, after a full collection. Called on `L`'s stack. */
  private luaBytes(L: number, collect: boolean): number {
    const lua = this.global.lua;
    if (collect) {
      this.reg.push(L, this.gcRef);
      pushString(this.m, L, "collect");
      lua.lua_callk(L, 1, 0, 0, null);
    }
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

  /** The count hook that stops a run past its deadline or memory limit (one per VM). */
  deadlineHook(): number {
    if (this.hookPtr === undefined) {
      const lua = this.global.lua;
      this.hookPtr = lua.module.addFunction((L: number) => {
        let message = "timed out";
        const overMemory = this.memoryLimit !== Infinity && this.luaBytes(L, false) > this.memoryLimit && this.luaBytes(L, true) > this.memoryLimit;
        if (overMemory) message = memoryLimitMessage(this.memoryLimit);
        else if (Date.now() <= this.activeDeadline) return;
        // Yielding cannot be caught by pcall; where Lua cannot yield, raise.
        if (lua.lua_isyieldable(L)) {
          // The thread's runner reads the flag as soon as the yield reaches it.
          if (overMemory) this.memoryExceeded = true;
          lua.lua_yieldk(L, 0, 0, null);
        } else {
          // The memory limit names the line; "timed out" stays bare, as its readers expect.
          let where = "";
          if (overMemory) {
            lua.luaL_where(L, 0);
            where = readString(this.m, L, -1);
            this.m._lua_settop(L, -2);
          }
          pushString(this.m, L, where + message);
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
