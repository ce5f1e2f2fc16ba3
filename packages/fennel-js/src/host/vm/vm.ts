// A Fennel VM: one wasmoon engine with the prelude loaded, a library profile
// applied, host functions and modules installed. Every entry point runs on
// its own Lua thread so async host functions can park it (see host-calls.ts).
// The state it works on is state.ts; the work behind each method is in
// boot.ts, eval.ts, globals.ts and functions.ts; options are in options.ts.
import type { LuaEngine } from "wasmoon";
import { FennelError } from "../../errors.js";
import type { CompileResult } from "../../types.js";
import { FENNEL_VERSION } from "../../version.js";
import type { LuaFunction } from "../convert.js";
import { saveCodeCaches } from "../code-cache.js";
import { newEngine } from "../engine.js";
import { compileInVM } from "../compile-time/compile-in-vm.js";
import { applyProfile, loadPrelude, runSetup, setFennelField } from "./boot.js";
import { callFunction, compileForVM, evalFile, evalString } from "./eval.js";
import { pushHostFunction, wrapLuaFunction } from "./functions.js";
import * as globals from "./globals.js";
import type { EvalOptions, VMOptions } from "./options.js";
import { VMState } from "./state.js";

export { FENNEL_VERSION };
export type { EvalOptions, VMOptions, VMProfile, VMRefusals, VMSetup } from "./options.js";

export class VM extends VMState {
  /** What the `setup` option's Lua returned, converted (Lua functions are callable handles). */
  readonly setupResult: unknown[] = [];

  /** @internal use createVM */
  constructor(engine: LuaEngine, options: VMOptions) {
    super(engine, options, { wrapLuaFunction, pushHostFunction });
    // Order matters: setup's host functions need the helpers and packageRef,
    // and setup runs before the profile removes anything.
    const L = this.global.address;
    this.helpers = loadPrelude(this);
    if (this.memory.installed) this.guardCatches();
    if (options.fennelPath !== undefined) setFennelField(this, this.helpers.fennel, "path", options.fennelPath);
    this.global.lua.lua_getglobal(L, "package");
    this.packageRef = this.reg.ref(L);
    if (options.setup) runSetup(this, L, options.setup, this.setupResult);
    applyProfile(this, L, options);
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
    return compileForVM(this, L, source, filename, this.allowed);
  }

  /**
   * Compile Fennel source to Lua with this VM running its compile-time code
   * (macros see this VM's Lua); allowedGlobals are besides Lua's standard ones.
   */
  compileText(source: string, options: { filename?: string; allowedGlobals?: string[] | false } = {}): CompileResult {
    this.assertOpen();
    const allowedGlobals = options.allowedGlobals ?? false;
    return compileInVM(this, this.global.address, source, { filename: options.filename ?? "unknown", allowedGlobals, optsRef: 0 });
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

  /** @internal Forget every loaded macro module (fennel.macro-loaded). */
  resetMacroModules(): void {
    globals.runSnippet(this, "local t = (...)['macro-loaded'] for k in pairs(t) do t[k] = nil end", [this.helpers.fennel], []);
  }

  /** @internal Serve module search and file reads from `read` until the returned function is called. */
  useFileAccess(read: ((path: string) => string | undefined) | undefined): () => void {
    const before = this.fileAccess;
    this.fileAccess = read;
    return () => {
      this.fileAccess = before;
    };
  }

  /** `fennel.view` run inside this VM on a JS value converted to Lua. */
  async view(value: unknown): Promise<string> {
    return globals.view(this, value);
  }
}

/** Create a VM. The WebAssembly module is compiled on first use and shared. */
export async function createVM(options: VMOptions = {}): Promise<VM> {
  const vm = new VM(await newEngine(), options);
  // The first VM has run the start-up code: keep it compiled for the next process.
  saveCodeCaches();
  return vm;
}

export { FennelError };
