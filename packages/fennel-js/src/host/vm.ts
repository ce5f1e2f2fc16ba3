// A Fennel VM: one wasmoon engine with the prelude loaded, a library profile
// applied, host functions and modules installed. Every entry point runs on
// its own Lua thread so async host functions can park it (see host-calls.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LuaEngine, LuaThread } from "wasmoon";
import { compileString } from "../compiler/index.js";
import { FennelError } from "../errors.js";
import type { CompileResult } from "../types.js";
import { FENNEL_VERSION } from "../version.js";
import { VIEW_LUA } from "../view.js";
import { ChunkMap } from "./chunks.js";
import { jsToLua, luaToJs, rememberLuaFunction, type ConvertContext, type LuaFunction } from "./convert.js";
import { newEngine, rawLua, RawFunctions, registry, type Registry } from "./engine.js";
import { HostCalls } from "./host-calls.js";
import { loadBytes, pushString, readString, type RawLua } from "./lua-stack.js";
import { LAZY_VIEW_LUA } from "./lua/lazy-view.js";
import { PRELUDE_LUA } from "./lua/prelude.js";
import { PIPELINE_PROFILE_LUA, PIPELINE_REFUSALS_LUA } from "./lua/profiles.js";
import { installNodeIo, type OutputSink } from "./node-io.js";
import { pushPrimitives } from "./primitives.js";
import { decodeSource, encodeLua } from "./source-text.js";
import { runOnThread, runtimeError } from "./threads.js";

export { FENNEL_VERSION };

export type VMProfile = "pipeline" | "cli";

export interface VMOptions {
  /**
   * `pipeline` (default): no io, debug, load, loadfile, dofile; os only
   * time/date/clock. `cli`: io and os backed by the real machine.
   */
  profile?: VMProfile;
  /** Directory that module paths are relative to. Default: the process's cwd. */
  root?: string;
  /** Fennel module path. Default `./?.fnl;./?/init.fnl`. */
  fennelPath?: string;
  /** Allow `require` of .lua modules (along `package.path`). Default: true for cli. */
  luaModules?: boolean;
  /** Globals allowed besides those present in the VM; `false` turns strict checking off. */
  allowedGlobals?: string[] | false;
  /** Where `print` (and in the cli profile io.stdout) writes. Default: the process's stdout. */
  stdout?: OutputSink;
  /**
   * Trusted Lua run once while the VM is built, before the profile removes
   * anything (it still sees debug, load and package). Its `...` are `args`
   * converted (functions become host functions); its return values become
   * `vm.setupResult`.
   */
  setup?: VMSetup;
  /** Pipeline profile: clear messages for what it removed, instead of "attempt to index a nil value". */
  refusals?: VMRefusals;
}

export interface VMSetup {
  lua: string;
  args?: unknown[];
  /** Chunk name in errors and tracebacks. Default "setup". */
  name?: string;
}

export interface VMRefusals {
  /**
   * Message raised where code reads a global of this name (io, debug, load…).
   * A listed global still present, such as `package`, is removed first.
   */
  globals?: Record<string, string>;
  /** Message raised where code reads a removed os function; `%s` stands for its name. */
  os?: string;
}

export interface EvalOptions {
  /** Name for errors and the source map. Default "unknown". */
  filename?: string;
  /**
   * Print the chunk's return values on the VM's stdout, tab-separated:
   * `values` as Lua's print shows them (the reference's -e), `view` through
   * fennel.view (its REPL).
   */
  print?: "values" | "view";
  /**
   * Stop the run after this many milliseconds, even in a busy loop or while
   * waiting on a host function; it rejects with a LuaRuntimeError whose
   * `timedOut` is true.
   */
  timeoutMs?: number;
  /**
   * What compileString made of this same source under the same filename, run
   * instead of compiling again (its globals were checked when it was made).
   */
  compiled?: CompileResult;
}

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
  private helpers!: {
    wrapHost: number;
    globalNames: number;
    fennel: number;
    view: number;
    printValues: number;
    viewValues: number;
    runEntry: number;
  };
  private closed = false;
  private packageRef = 0;
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
      wrapLuaFunction: (r) => this.wrapLuaFunction(r),
      pushHostFunction: (L, name, fn) => this.pushHostFunction(L, name, fn),
    };
    this.calls = new HostCalls(this.ctx);
    this.boot();
  }

  private boot(): void {
    const L = this.global.address;
    const m = this.m;
    this.loadOrThrow(L, LAZY_VIEW_LUA, "=fennel-js.view");
    this.raw.push(L, (L2) => {
      this.loadOrThrow(L2, VIEW_LUA, "=fennel-js.view");
      this.callOrThrow(L2, 0, 1);
      return 1;
    });
    this.callOrThrow(L, 1, 1);
    const viewRef = this.reg.ref(L);

    this.loadOrThrow(L, PRELUDE_LUA, "=fennel-js.prelude");
    pushPrimitives(this, L, viewRef);
    pushString(m, L, AWAIT_TOKEN);
    pushString(m, L, FENNEL_VERSION);
    this.callOrThrow(L, 3, 1);
    const field = (name: string): number => {
      this.global.lua.lua_getfield(L, -1, name);
      return this.reg.ref(L);
    };
    this.helpers = {
      wrapHost: field("wrap_host"),
      globalNames: field("global_names"),
      fennel: field("fennel"),
      view: viewRef,
      printValues: field("print_values"),
      viewValues: field("view_values"),
      runEntry: field("run_entry"),
    };
    m._lua_settop(L, -2);
    if (this.options.fennelPath !== undefined) this.setFennelField("path", this.options.fennelPath);
    // Kept so registerModule works when the profile removes the global.
    this.global.lua.lua_getglobal(L, "package");
    this.packageRef = this.reg.ref(L);
    if (this.options.setup) this.runSetup(L, this.options.setup);

    if ((this.options.profile ?? "pipeline") === "pipeline") {
      this.loadOrThrow(L, PIPELINE_PROFILE_LUA, "=fennel-js.profile");
      this.callOrThrow(L, 0, 0);
      const refusals = this.options.refusals;
      if (refusals) {
        this.loadOrThrow(L, PIPELINE_REFUSALS_LUA, "=fennel-js.refusals");
        jsToLua(this.ctx, L, refusals.globals ?? {});
        jsToLua(this.ctx, L, refusals.os);
        this.callOrThrow(L, 2, 0);
      }
    } else {
      installNodeIo(this.global, this.raw, this.output, (L2, src, name) => this.loadOrThrow(L2, src, name), (L2, n, r) => this.callOrThrow(L2, n, r));
    }
  }

  private runSetup(L: number, setup: VMSetup): void {
    const top = this.m._lua_gettop(L);
    if (loadBytes(this.m, L, Buffer.from(setup.lua, "utf8"), `=${setup.name ?? "setup"}`) !== 0) {
      const msg = readString(this.m, L, -1);
      this.m._lua_settop(L, top);
      throw new Error(`VM setup did not load: ${msg}`);
    }
    const args = setup.args ?? [];
    for (const a of args) jsToLua(this.ctx, L, a);
    if (this.global.lua.lua_pcallk(L, args.length, -1, 0, 0, null) !== 0) {
      const msg = readString(this.m, L, -1);
      this.m._lua_settop(L, top);
      throw new Error(`VM setup failed: ${msg}`);
    }
    for (let i = top + 1; i <= this.m._lua_gettop(L); i++) this.setupResult.push(luaToJs(this.ctx, L, i));
    this.m._lua_settop(L, top);
  }

  /**
   * Rewrite Lua positions (`chunk:LUALINE:`) of chunks this VM compiled from
   * Fennel to .fnl positions; the first one found is returned too.
   */
  mapPositions(text: string): { text: string; file?: string; line?: number } {
    return this.chunks.rewrite(text);
  }

  private setFennelField(name: string, value: string): void {
    const L = this.global.address;
    this.reg.push(L, this.helpers.fennel);
    pushString(this.m, L, value);
    this.global.lua.lua_setfield(L, -2, name);
    this.m._lua_settop(L, -2);
  }

  /** @internal Compile with the VM's current globals allowed; remembers the chunk's source map. */
  compile(L: number, source: string, filename: string): CompileResult {
    let allowedGlobals: string[] | false = false;
    if (this.allowed !== false) {
      this.reg.push(L, this.helpers.globalNames);
      this.global.lua.lua_callk(L, 0, 1, 0, null);
      const names = readString(this.m, L, -1);
      this.m._lua_settop(L, -2);
      allowedGlobals = [...names.split("\n"), ...this.allowed];
    }
    const result = compileString(source, { filename, allowedGlobals });
    this.chunks.register(filename, result.sourceMap);
    return result;
  }

  private adopt(file: string, compiled: CompileResult): string {
    this.chunks.register(file, compiled.sourceMap);
    return compiled.lua;
  }

  /** Compile Fennel source and run it on a fresh thread; resolves to its return values. */
  async evalString(source: string, opts: EvalOptions = {}): Promise<unknown[]> {
    this.assertOpen();
    const file = opts.filename ?? "unknown";
    return runOnThread(this, (L) => {
      const lua = opts.compiled ? this.adopt(file, opts.compiled) : this.compile(L, source, file).lua;
      if (opts.print) this.reg.push(L, opts.print === "view" ? this.helpers.viewValues : this.helpers.printValues);
      this.loadChunk(L, Buffer.from(lua, "utf8"), file);
      return opts.print ? 1 : 0;
    }, opts);
  }

  /** Read, compile and run a .fnl file (relative to the VM's root); `args` become its `...`. */
  async evalFile(file: string, args: unknown[] = [], opts: Pick<EvalOptions, "timeoutMs"> = {}): Promise<unknown[]> {
    this.assertOpen();
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.resolve(this.root, file));
    } catch (e) {
      // Name the file as the caller did, not as resolved against the root.
      if (typeof e === "object" && e !== null) Object.assign(e, { path: file });
      throw e;
    }
    const source = decodeSource(bytes);
    return runOnThread(this, (L) => {
      const lua = this.compile(L, source.text, file).lua;
      this.loadChunk(L, encodeLua(lua, source.encoding), file);
      for (const a of args) jsToLua(this.ctx, L, a);
      return args.length;
    }, opts);
  }

  /**
   * Call a Lua function (one that came back from Lua) on a fresh thread, so it
   * may wait on async host functions; resolves to all its return values.
   */
  async call(fn: LuaFunction, args: unknown[] = [], opts: Pick<EvalOptions, "timeoutMs"> = {}): Promise<unknown[]> {
    this.assertOpen();
    return runOnThread(this, (L) => {
      this.reg.push(L, fn.luaRef);
      for (const a of args) jsToLua(this.ctx, L, a);
      return args.length;
    }, opts);
  }

  private loadChunk(L: number, code: Uint8Array, file: string): void {
    if (loadBytes(this.m, L, code, `@${file}`) !== 0) {
      const msg = readString(this.m, L, -1);
      this.m._lua_settop(L, -2);
      throw new Error(`${file}: compiled Lua did not load (a fennel-js bug): ${msg}`);
    }
  }

  /** Put `entry` in front of the Fennel module path (`fennel.path`). */
  addFennelPath(entry: string): void {
    this.runSnippet("local fennel, entry = ... fennel.path = entry .. ';' .. fennel.path", [this.helpers.fennel], [entry]);
  }

  /** Replace the Fennel module path. */
  setFennelPath(value: string): void {
    this.setFennelField("path", value);
  }

  /** Replace `package.path`; `;;` stands for the default path, as in LUA_PATH. */
  setPackagePath(value: string): void {
    this.runSnippet(
      "local v = ... package.path = (v:gsub(';;', ';' .. package.path .. ';'))",
      [],
      [value],
    );
  }

  /** Put `entry` in front of `package.path` (Lua modules). */
  addPackagePath(entry: string): void {
    this.runSnippet("local entry = ... package.path = entry .. ';' .. package.path", [], [entry]);
  }

  /** Set the global `arg` table: `values[0]` goes at index `first`, and so on. */
  setArg(values: string[], first: number): void {
    this.runSnippet(
      "local list, first = ... local t = {} for i = 1, #list do t[first + i - 1] = list[i] end arg = t",
      [],
      [values, first],
    );
  }

  private runSnippet(src: string, refs: number[], args: unknown[]): void {
    this.assertOpen();
    const L = this.global.address;
    this.loadOrThrow(L, src, "=fennel-js.host");
    for (const r of refs) this.reg.push(L, r);
    for (const a of args) jsToLua(this.ctx, L, a);
    this.callOrThrow(L, refs.length + args.length, 0);
  }

  /** Set a global to a JS value (functions become host functions). */
  setGlobal(name: string, value: unknown): void {
    this.assertOpen();
    const L = this.global.address;
    jsToLua(this.ctx, L, value, undefined, name);
    this.global.lua.lua_setglobal(L, name);
  }

  /** Read a global, converted to JavaScript. */
  getGlobal(name: string): unknown {
    const L = this.global.address;
    this.global.lua.lua_getglobal(L, name);
    const v = luaToJs(this.ctx, L, -1);
    this.m._lua_settop(L, -2);
    return v;
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
    const L = this.global.address;
    const lua = this.global.lua;
    this.reg.push(L, this.packageRef);
    lua.lua_getfield(L, -1, "preload");
    if (typeof module === "function") {
      jsToLua(this.ctx, L, module, undefined, name);
    } else {
      jsToLua(this.ctx, L, module, undefined, name);
      this.loadOrThrow(L, "local m = ... return function() return m end", "=fennel-js.module");
      lua.lua_rotate(L, -2, 1);
      this.callOrThrow(L, 1, 1);
    }
    lua.lua_setfield(L, -2, name);
    this.m._lua_settop(L, -3);
  }

  /** `fennel.view` run inside this VM on a JS value converted to Lua. */
  async view(value: unknown): Promise<string> {
    const L = this.global.address;
    this.reg.push(L, this.helpers.view);
    jsToLua(this.ctx, L, value);
    this.callOrThrow(L, 1, 1);
    const s = readString(this.m, L, -1);
    this.m._lua_settop(L, -2);
    return s;
  }

  private wrapLuaFunction(ref: number): LuaFunction {
    const call = (...args: unknown[]): unknown => {
      const L = this.global.address;
      const top = this.m._lua_gettop(L);
      this.reg.push(L, ref);
      for (const a of args) jsToLua(this.ctx, L, a);
      const status = this.global.lua.lua_pcallk(L, args.length, 1, 0, 0, null);
      if (status !== 0) {
        const err = runtimeError(this, L);
        this.m._lua_settop(L, top);
        throw err;
      }
      const v = luaToJs(this.ctx, L, -1);
      this.m._lua_settop(L, top);
      return v;
    };
    const fn = call as LuaFunction;
    Object.defineProperty(fn, "luaRef", { value: ref });
    Object.defineProperty(fn, "callAsync", {
      value: (...args: unknown[]) =>
        runOnThread(this, (L) => {
          this.reg.push(L, ref);
          for (const a of args) jsToLua(this.ctx, L, a);
          return args.length;
        }),
    });
    rememberLuaFunction(fn, ref);
    refCleanup.register(fn, { vm: this, ref });
    return fn;
  }

  /** @internal */
  releaseRef(ref: number): void {
    if (!this.closed) this.reg.unref(ref);
  }

  private pushHostFunction(L: number, name: string, fn: (...args: any[]) => unknown): void {
    this.reg.push(L, this.helpers.wrapHost);
    pushString(this.m, L, name);
    this.raw.push(L, (L2, argc) => this.calls.call(fn, L2, argc));
    this.global.lua.lua_callk(L, 2, 1, 0, null);
  }

  private loadOrThrow(L: number, src: string, name: string): void {
    if (loadBytes(this.m, L, Buffer.from(src, "utf8"), name) !== 0) {
      const msg = readString(this.m, L, -1);
      this.m._lua_settop(L, -2);
      throw new Error(`fennel-js internal Lua failed to load: ${msg}`);
    }
  }

  private callOrThrow(L: number, nargs: number, nresults: number): void {
    const status = this.global.lua.lua_pcallk(L, nargs, nresults, 0, 0, null);
    if (status !== 0) {
      const msg = readString(this.m, L, -1);
      this.m._lua_settop(L, -2);
      throw new Error(`fennel-js internal Lua failed: ${msg}`);
    }
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

const refCleanup = new FinalizationRegistry<{ vm: VM; ref: number }>(({ vm, ref }) => vm.releaseRef(ref));

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
