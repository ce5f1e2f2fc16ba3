// A Fennel VM: one wasmoon engine with the prelude loaded, a library profile
// applied, host functions and modules installed. Every entry point runs on
// its own Lua thread so async host functions can park it (see host-calls.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LuaEngine, LuaThread } from "wasmoon";
import { compileString } from "../compiler/index.js";
import { FennelError } from "../errors.js";
import { VIEW_LUA } from "../view.js";
import { ChunkMap, LuaRuntimeError } from "./chunks.js";
import { jsToLua, luaToJs, rememberLuaFunction, type ConvertContext, type LuaFunction } from "./convert.js";
import { newEngine, pushRawFunction, rawLua, registry, type RawHostFunction, type Registry } from "./engine.js";
import { errorText, HostCalls } from "./host-calls.js";
import { LUA_TNUMBER, LUA_TSTRING, loadBytes, pushString, readBytes, readString, type RawLua } from "./lua-stack.js";
import { PRELUDE_LUA } from "./lua/prelude.js";
import { PIPELINE_PROFILE_LUA } from "./lua/profiles.js";
import { searchPath } from "./modules.js";
import { decodeSource, encodeLua } from "./source-text.js";
import { installNodeIo, type OutputSink } from "./node-io.js";

export const FENNEL_VERSION = "1.6.0";

const LUA_OK = 0;
const LUA_YIELD = 1;

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
}

const AWAIT_TOKEN = `fennel-js:await:${Math.random().toString(36).slice(2)}`;

export class VM {
  readonly engine: LuaEngine;
  private readonly global: LuaThread;
  private readonly m: RawLua;
  private readonly reg: Registry;
  private readonly ctx: ConvertContext;
  private readonly calls: HostCalls;
  private readonly chunks = new ChunkMap();
  private readonly root: string;
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
  private readonly output: OutputSink;

  /** @internal use createVM */
  constructor(engine: LuaEngine, private readonly options: VMOptions) {
    this.engine = engine;
    this.global = engine.global;
    this.m = rawLua(this.global);
    this.reg = registry(this.global);
    this.root = path.resolve(options.root ?? process.cwd());
    this.allowed = options.allowedGlobals === undefined ? [] : options.allowedGlobals;
    this.output = options.stdout ?? defaultStdout();
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
    this.loadOrThrow(L, VIEW_LUA, "=fennel.view");
    this.callOrThrow(L, 0, 1);
    const viewRef = this.reg.ref(L);

    this.loadOrThrow(L, PRELUDE_LUA, "=fennel-js.prelude");
    this.pushPrimitives(L, viewRef);
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

    if ((this.options.profile ?? "pipeline") === "pipeline") {
      this.loadOrThrow(L, PIPELINE_PROFILE_LUA, "=fennel-js.profile");
      this.callOrThrow(L, 0, 0);
    } else {
      installNodeIo(this.global, this.output, (L2, src, name) => this.loadOrThrow(L2, src, name), (L2, n, r) => this.callOrThrow(L2, n, r));
    }
  }

  private setFennelField(name: string, value: string): void {
    const L = this.global.address;
    this.reg.push(L, this.helpers.fennel);
    pushString(this.m, L, value);
    this.global.lua.lua_setfield(L, -2, name);
    this.m._lua_settop(L, -2);
  }

  /** The primitives table handed to the prelude. */
  private pushPrimitives(L: number, viewRef: number): void {
    const m = this.m;
    const lua = this.global.lua;
    const prims: Record<string, RawHostFunction> = {
      out: (L2) => {
        this.output.write(readBytes(m, L2, 1));
        return 0;
      },
      collect: (L2) => this.calls.collect(L2, m._lua_tonumberx(L2, 1, 0)),
      cancel: (L2) => {
        this.calls.cancel(m._lua_tonumberx(L2, 1, 0));
        return 0;
      },
      compile: (L2) => {
        const src = readString(m, L2, 1);
        const file = optString(m, L2, 2) ?? "unknown";
        try {
          // Like the reference's compile-string: no global checks unless asked for.
          pushString(m, L2, compileString(src, { filename: file, allowedGlobals: false }).lua);
          return 1;
        } catch (e) {
          return pushFail(m, L2, errorText(e));
        }
      },
      load_fennel_string: (L2) => {
        const src = readString(m, L2, 1);
        const file = optString(m, L2, 2) ?? "unknown";
        return this.loadFennel(L2, { text: src, encoding: "utf8" }, file);
      },
      load_fennel_file: (L2) => {
        const file = readString(m, L2, 1);
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(path.resolve(this.root, file));
        } catch (e) {
          return pushFail(m, L2, `${file}: ${describeFsError(e)}`);
        }
        return this.loadFennel(L2, decodeSource(bytes), file);
      },
      find_fennel: (L2) => this.find(L2),
    };
    if (this.options.luaModules ?? this.options.profile === "cli") {
      prims.find_lua = (L2) => this.find(L2);
      prims.load_lua_file = (L2) => {
        const file = readString(m, L2, 1);
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(path.resolve(this.root, file));
        } catch (e) {
          return pushFail(m, L2, `${file}: ${describeFsError(e)}`);
        }
        if (loadBytes(m, L2, bytes, `@${file}`) !== 0) return pushFail(m, L2, readString(m, L2, -1));
        return 1;
      };
    }
    lua.lua_createtable(L, 0, 12);
    for (const [name, fn] of Object.entries(prims)) {
      pushRawFunction(this.global, fn);
      lua.lua_setfield(L, -2, name);
    }
    this.reg.push(L, viewRef);
    lua.lua_setfield(L, -2, "view");
  }

  private find(L: number): number {
    const m = this.m;
    const r = searchPath(readString(m, L, 1), readString(m, L, 2), this.root);
    if ("hit" in r) {
      pushString(m, L, r.hit.shown);
      return 1;
    }
    return pushFail(m, L, r.tried);
  }

  private loadFennel(L: number, source: ReturnType<typeof decodeSource>, file: string): number {
    const m = this.m;
    let lua: string;
    try {
      lua = this.compile(L, source.text, file).lua;
    } catch (e) {
      return pushFail(m, L, errorText(e));
    }
    if (loadBytes(m, L, encodeLua(lua, source.encoding), `@${file}`) !== 0) {
      return pushFail(m, L, `${file}: compiled Lua did not load (a fennel-js bug): ${readString(m, L, -1)}`);
    }
    return 1;
  }

  /** Compile with the VM's current globals allowed; remembers the chunk's source map. */
  private compile(L: number, source: string, filename: string) {
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

  /** Compile Fennel source and run it on a fresh thread; resolves to its return values. */
  async evalString(source: string, opts: EvalOptions = {}): Promise<unknown[]> {
    this.assertOpen();
    const file = opts.filename ?? "unknown";
    return this.runOnThread((L) => {
      const lua = this.compile(L, source, file).lua;
      if (opts.print) this.reg.push(L, opts.print === "view" ? this.helpers.viewValues : this.helpers.printValues);
      this.loadChunk(L, Buffer.from(lua, "utf8"), file);
      return opts.print ? 1 : 0;
    });
  }

  /** Read, compile and run a .fnl file (relative to the VM's root). */
  async evalFile(file: string, args: unknown[] = []): Promise<unknown[]> {
    this.assertOpen();
    const source = decodeSource(readFileSync(path.resolve(this.root, file)));
    return this.runOnThread((L) => {
      const lua = this.compile(L, source.text, file).lua;
      this.loadChunk(L, encodeLua(lua, source.encoding), file);
      for (const a of args) jsToLua(this.ctx, L, a);
      return args.length;
    });
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

  /** Make `(require name)` return `module`: a table of values, or a loader called once. */
  registerModule(name: string, module: Record<string, unknown> | (() => unknown)): void {
    this.assertOpen();
    const L = this.global.address;
    const lua = this.global.lua;
    lua.lua_getglobal(L, "package");
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

  /** Run a Lua function (pushed by `push`, returning its argument count) on a new thread. */
  private async runOnThread(push: (L: number) => number): Promise<unknown[]> {
    const thread = this.global.newThread();
    const threadRef = this.reg.ref(this.global.address);
    try {
      const L = thread.address;
      this.reg.push(L, this.helpers.runEntry);
      const nargs = push(L) + 1;
      let res = thread.resume(nargs);
      while (res.result === LUA_YIELD) {
        const id = this.awaitedCall(L, res.resultCount);
        this.m._lua_settop(L, -res.resultCount - 1);
        if (id === undefined) throw new LuaRuntimeError({ message: "attempt to yield from outside a coroutine", luaMessage: "attempt to yield from outside a coroutine", value: undefined });
        await this.calls.wait(id);
        if (this.closed) throw new Error("the VM was closed while Fennel code was waiting on a host function");
        res = thread.resume(0);
      }
      if (res.result !== LUA_OK) throw this.runtimeError(L);
      const top = this.m._lua_gettop(L);
      const values: unknown[] = [];
      for (let i = top - res.resultCount + 1; i <= top; i++) values.push(luaToJs(this.ctx, L, i));
      return values;
    } finally {
      if (!this.closed) this.reg.unref(threadRef);
    }
  }

  private awaitedCall(L: number, count: number): number | undefined {
    if (count !== 2 || this.m._lua_type(L, -2) !== LUA_TSTRING) return undefined;
    if (readString(this.m, L, -2) !== AWAIT_TOKEN) return undefined;
    const id = this.m._lua_tonumberx(L, -1, 0);
    return this.calls.has(id) ? id : undefined;
  }

  private runtimeError(L: number): LuaRuntimeError {
    const m = this.m;
    const value = luaToJs(this.ctx, L, -1);
    const t = m._lua_type(L, -1);
    let raw: string;
    if (t === LUA_TSTRING || t === LUA_TNUMBER) raw = readString(m, L, -1);
    else if (this.global.lua.luaL_getmetafield(L, -1, "__tostring") !== 0) {
      m._lua_settop(L, -2);
      raw = this.global.lua.luaL_tolstring(L, -1, null);
      m._lua_settop(L, -2);
    } else raw = `(error object is a ${this.global.lua.lua_typename(L, t)} value)`;
    this.global.lua.luaL_traceback(L, L, null, 0);
    const tb = readString(m, L, -1);
    m._lua_settop(L, -2);
    const mapped = this.chunks.rewrite(raw);
    return new LuaRuntimeError({
      message: mapped.text,
      luaMessage: raw,
      value,
      ...(mapped.file !== undefined ? { file: mapped.file, line: mapped.line } : {}),
      // Frames inside the host's own Lua (prelude, io layer) are not the user's business.
      traceback: this.chunks
        .rewrite(tb)
        .text.split("\n")
        .filter((l) => !l.startsWith("\tfennel-js."))
        .join("\n"),
    });
  }

  private wrapLuaFunction(ref: number): LuaFunction {
    const call = (...args: unknown[]): unknown => {
      const L = this.global.address;
      const top = this.m._lua_gettop(L);
      this.reg.push(L, ref);
      for (const a of args) jsToLua(this.ctx, L, a);
      const status = this.global.lua.lua_pcallk(L, args.length, 1, 0, 0, null);
      if (status !== 0) {
        const err = this.runtimeError(L);
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
        this.runOnThread((L) => {
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
    const thread = this.global.stateToThread(L);
    pushRawFunction(thread, (L2, argc) => this.calls.call(fn, L2, argc));
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

  private assertOpen(): void {
    if (this.closed) throw new Error("this VM is closed");
  }

  close(): void {
    if (this.closed) return;
    this.output.flush();
    this.closed = true;
    this.global.close();
  }
}

const refCleanup = new FinalizationRegistry<{ vm: VM; ref: number }>(({ vm, ref }) => vm.releaseRef(ref));

function optString(m: RawLua, L: number, idx: number): string | undefined {
  return m._lua_type(L, idx) === LUA_TSTRING ? readString(m, L, idx) : undefined;
}

function pushFail(m: RawLua, L: number, message: string): number {
  m._lua_pushnil(L);
  pushString(m, L, message);
  return 2;
}

export function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT":
      return "No such file or directory";
    case "EACCES":
      return "Permission denied";
    case "EISDIR":
      return "Is a directory";
    case "ENOTDIR":
      return "Not a directory";
    case "EEXIST":
      return "File exists";
    case "ENOTEMPTY":
      return "Directory not empty";
    default:
      return errorText(e);
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
