// A Fennel VM: one wasmoon engine with the prelude loaded, a library profile
// applied, host functions and modules installed. Every entry point runs on
// its own Lua thread so async host functions can park it (see host-calls.ts).
// Options are in vm-options.ts; the work behind each method in vm-boot.ts,
// vm-eval.ts, vm-globals.ts and vm-functions.ts.
import path from "node:path";
import type { LuaEngine, LuaThread } from "wasmoon";
import { FennelError } from "../errors.js";
import type { CompileResult } from "../types.js";
import { FENNEL_VERSION } from "../version.js";
import { ChunkMap } from "./chunks.js";
import type { ConvertContext, LuaFunction } from "./convert.js";
import { newEngine, rawLua, RawFunctions, registry, type Registry } from "./engine.js";
import { HostCalls } from "./host-calls.js";
import { pushString, type RawLua } from "./lua-stack.js";
import type { OutputSink } from "./node-io.js";
import { applyProfile, loadPrelude, runSetup, setFennelField, type VMHelpers } from "./vm-boot.js";
import { callFunction, compileInVM, evalFile, evalString } from "./vm-eval.js";
import { pushHostFunction, wrapLuaFunction } from "./vm-functions.js";
import * as globals from "./vm-globals.js";
import type { EvalOptions, VMOptions } from "./vm-options.js";

export { FENNEL_VERSION };
export type { EvalOptions, VMOptions, VMProfile, VMRefusals, VMSetup } from "./vm-options.js";

const AWAIT_TOKEN = `fennel-js:await:${Math.random().toString(36).slice(2)}`;

export class VM {
  readonly engine: LuaEngine;
  /** @internal */
  readonly global: LuaThread;
  /** @internal */
  readonly m: RawLua;
  /** @internal */
  readonly reg: Registry;
  /** @internal */
  readonly raw: RawFunctions;
  /** @internal */
  readonly ctx: ConvertContext;
  /** @internal */
  readonly calls: HostCalls;
  /** @internal */
  readonly chunks = new ChunkMap();
  /** @internal */
  readonly root: string;
  private readonly allowed: string[] | false;
  /** @internal */
  readonly helpers: VMHelpers;
  private closed = false;
  /** @internal Kept so registerModule works when the profile removes the global. */
  readonly packageRef: number;
  /** What the `setup` option's Lua returned, converted (Lua functions are callable handles). */
  readonly setupResult: unknown[] = [];
  /** @internal */
  readonly output: OutputSink;
  /** @internal */
  readonly luaModules: boolean;
  /** @internal */
  readonly awaitToken = AWAIT_TOKEN;

  /** @internal use createVM */
  constructor(engine: LuaEngine, private readonly options: VMOptions) {
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
      wrapLuaFunction: (r) => wrapLuaFunction(this, r),
      pushHostFunction: (L, name, fn) => pushHostFunction(this, L, name, fn),
    };
    this.calls = new HostCalls(this.ctx);

    // Order matters: setup's host functions need the helpers and packageRef,
    // and setup runs before the profile removes anything.
    const L = this.global.address;
    this.helpers = loadPrelude(this, AWAIT_TOKEN);
    if (this.options.fennelPath !== undefined) setFennelField(this, this.helpers.fennel, "path", this.options.fennelPath);
    this.global.lua.lua_getglobal(L, "package");
    this.packageRef = this.reg.ref(L);
    if (this.options.setup) runSetup(this, L, this.options.setup, this.setupResult);
    applyProfile(this, L, this.options);
  }

  /**
   * Rewrite Lua positions (`chunk:LUALINE:`) of chunks this VM compiled from
   * Fennel to .fnl positions; the first one found is returned too.
   */
  mapPositions(text: string): { text: string; file?: string; line?: number } {
    return this.chunks.rewrite(text);
  }

  /** @internal Compile with the VM's current globals allowed; remembers the chunk's source map. */
  compile(L: number, source: string, filename: string): CompileResult {
    return compileInVM(this, L, source, filename, this.allowed);
  }

  /** Compile Fennel source and run it on a fresh thread; resolves to its return values. */
  async evalString(source: string, opts: EvalOptions = {}): Promise<unknown[]> {
    this.assertOpen();
    return evalString(this, source, opts);
  }

  /** Read, compile and run a .fnl file (relative to the VM's root); `args` become its `...`. */
  async evalFile(file: string, args: unknown[] = [], opts: Pick<EvalOptions, "timeoutMs"> = {}): Promise<unknown[]> {
    this.assertOpen();
    return evalFile(this, file, args, opts);
  }

  /**
   * Call a Lua function (one that came back from Lua) on a fresh thread, so it
   * may wait on async host functions; resolves to all its return values.
   */
  async call(fn: LuaFunction, args: unknown[] = [], opts: Pick<EvalOptions, "timeoutMs"> = {}): Promise<unknown[]> {
    this.assertOpen();
    return callFunction(this, fn, args, opts);
  }

  /** Put `entry` in front of the Fennel module path (`fennel.path`). */
  addFennelPath(entry: string): void {
    this.assertOpen();
    globals.addFennelPath(this, entry);
  }

  /** Replace the Fennel module path. */
  setFennelPath(value: string): void {
    setFennelField(this, this.helpers.fennel, "path", value);
  }

  /** Replace `package.path`; `;;` stands for the default path, as in LUA_PATH. */
  setPackagePath(value: string): void {
    this.assertOpen();
    globals.setPackagePath(this, value);
  }

  /** Put `entry` in front of `package.path` (Lua modules). */
  addPackagePath(entry: string): void {
    this.assertOpen();
    globals.addPackagePath(this, entry);
  }

  /** Set the global `arg` table: `values[0]` goes at index `first`, and so on. */
  setArg(values: string[], first: number): void {
    this.assertOpen();
    globals.setArg(this, values, first);
  }

  /** Set a global to a JS value (functions become host functions). */
  setGlobal(name: string, value: unknown): void {
    this.assertOpen();
    globals.setGlobal(this, name, value);
  }

  /** Read a global, converted to JavaScript. */
  getGlobal(name: string): unknown {
    return globals.getGlobal(this, name);
  }

  /**
   * Install a host function as global `name`. If `fn` returns a Promise, the
   * calling Fennel code waits for it (without blocking Node's event loop).
   * Such a call cannot happen inside a callback run by a C function (a
   * table.sort comparator, a string.gsub function): that raises an error
   * saying so.
   */
  installFunction(name: string, fn: (...args: any[]) => unknown): void {
    this.setGlobal(name, fn);
  }

  /**
   * Make `(require name)` return `module`: a table of values, or a loader
   * called once. A loader must answer synchronously: `require` is C code, so
   * Lua cannot wait on a Promise inside it.
   */
  registerModule(name: string, module: Record<string, unknown> | (() => unknown)): void {
    this.assertOpen();
    globals.registerModule(this, name, module);
  }

  /** `fennel.view` run inside this VM on a JS value converted to Lua. */
  async view(value: unknown): Promise<string> {
    return globals.view(this, value);
  }

  /** @internal */
  releaseRef(ref: number): void {
    if (!this.closed) this.reg.unref(ref);
  }

  /** @internal */
  get runEntryRef(): number {
    return this.helpers.runEntry;
  }

  /** @internal */
  activeDeadline = Infinity;
  private hookPtr: number | undefined;

  /** @internal */
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

  /** @internal */
  isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
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
  return new (class {
    write(bytes: Uint8Array): void {
      process.stdout.write(bytes);
    }
    flush(): void {}
  })();
}

/** Create a VM. The WebAssembly module is compiled on first use and shared. */
export async function createVM(options: VMOptions = {}): Promise<VM> {
  return new VM(await newEngine(), options);
}

export { FennelError };
