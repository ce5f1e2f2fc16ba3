// The compile-time side of one compile, on a VM's own Lua state: compiler
// environments, running compile-time code, calling macros with forms
// converted both ways, and the macro helpers' view of the compile
// (gensym, in-scope?, macroexpand). Errors become the compiler's errors.
import type { CompilerSide, CompileTime, HookArg, LuaHandle, Splice, UserMacro } from "../../compiler/compile-time.js";
import { Scope, type LocalInfo } from "../../compiler/scope.js";
import { NO_POS, Num, Sym, type Form, type List, type Pos } from "../../reader/forms.js";
import { LUA_TBOOLEAN, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, pushString, readString } from "../lua-stack.js";
import { compileTimeLibrary } from "../vm/compile-time-library.js";
import type { VMState } from "../vm/state.js";
import { FormConversionError, pushForm, readForm } from "./lua-forms.js";

const LUA_MASKCOUNT = 8;
/** Instructions between two looks at the clock while compile-time code runs. */
const HOOK_EVERY = 10_000;

class Handle implements LuaHandle {
  constructor(readonly ref: number) {}
}

export class VMCompileTime implements CompileTime {
  private readonly held: number[] = [];
  private readonly ct: number;

  /**
   * `L` is the thread the compile runs on; `optsRef` the registry ref of the
   * options table the compile was given (or 0), which compiler environments read.
   */
  private readonly deadline: number;

  constructor(
    private readonly s: VMState,
    private readonly L: number,
    private readonly optsRef: number,
    private readonly errors: CompilerSide,
    private readonly timeoutMs?: number,
  ) {
    this.ct = compileTimeLibrary(s).ct;
    this.deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  }

  /** Release every Lua value this compile held. */
  release(): void {
    for (const r of this.held.splice(0)) this.s.reg.unref(r);
  }

  /** Hold the value at the top of the stack (popping it) until the compile ends. */
  holdTop(): LuaHandle {
    return this.hold();
  }

  private hold(): Handle {
    const r = this.s.reg.ref(this.L);
    this.held.push(r);
    return new Handle(r);
  }

  /** Push ct[name] onto the stack. */
  private pushHelper(name: string): void {
    this.s.reg.push(this.L, this.ct);
    this.s.global.lua.lua_getfield(this.L, -1, name);
    this.s.global.lua.lua_rotate(this.L, -2, -1);
    this.s.m._lua_settop(this.L, -2);
  }

  /** Call the function below `nargs` arguments; failures of the call itself are fennel-js bugs. */
  private call(nargs: number, nresults: number): void {
    if (this.s.global.lua.lua_pcallk(this.L, nargs, nresults, 0, 0, null) !== 0) {
      const msg = readString(this.s.m, this.L, -1);
      this.s.m._lua_settop(this.L, -2);
      throw new Error(`fennel-js compile-time helper failed: ${msg}`);
    }
  }

  private pushOpts(): void {
    if (this.optsRef !== 0) this.s.reg.push(this.L, this.optsRef);
    else this.s.m._lua_pushnil(this.L);
  }

  private pushForm(f: Form): void {
    pushForm(this.s, this.L, f, this.s.formTypes);
  }

  private readForm(idx: number, pos: Pos): Form {
    return readForm(this.s, this.L, idx, pos, this.s.formTypes);
  }

  newEnv(at: Form, scope: Scope): LuaHandle {
    void scope;
    this.pushHelper("new_env");
    this.pushOpts();
    this.pushForm(at);
    this.s.m._lua_pushnil(this.L);
    this.call(3, 1);
    return this.hold();
  }

  globalNames(env: LuaHandle): string[] {
    this.pushHelper("global_names");
    this.s.reg.push(this.L, env.ref);
    this.call(1, 1);
    const names = readString(this.s.m, this.L, -1);
    this.s.m._lua_settop(this.L, -2);
    return names === "" ? [] : names.split("\n");
  }

  /** With the compile frame pushed (macro helpers act on `scope`), run `f`. */
  private inFrame<T>(scope: Scope | undefined, f: () => T): T {
    this.s.compileStack.push({ compiler: this.errors, scope });
    const outer = this.s.activeDeadline;
    if (this.deadline !== Infinity) {
      // Compile-time code past the compile's deadline is stopped by the count hook.
      this.s.global.lua.lua_sethook(this.L, this.s.deadlineHook(), LUA_MASKCOUNT, HOOK_EVERY);
      this.s.activeDeadline = this.deadline;
    }
    try {
      return f();
    } finally {
      this.s.compileStack.pop();
      if (this.deadline !== Infinity) {
        this.s.activeDeadline = outer;
        if (outer === Infinity) this.s.global.lua.lua_sethook(this.L, null, 0, 0);
      }
    }
  }

  /** After a protected call left (ok, value|error): the value, or the error raised at `at`. */
  private result(at: Form): LuaHandle | undefined {
    const m = this.s.m;
    const ok = m._lua_toboolean(this.L, -2) !== 0;
    if (!ok) this.raise(at);
    this.s.global.lua.lua_rotate(this.L, -2, -1);
    m._lua_settop(this.L, -2);
    if (m._lua_type(this.L, -1) === LUA_TNIL) {
      m._lua_settop(this.L, -2);
      return undefined;
    }
    return this.hold();
  }

  /** Raise the error value at the top of the stack as a compile error at `at` (or the form it names). */
  private raise(at: Form): never {
    const m = this.s.m;
    const L = this.L;
    let message: string;
    let where: Form = at;
    if (m._lua_type(L, -1) === LUA_TTABLE && this.s.global.lua.lua_getfield(L, -1, "message") === LUA_TSTRING) {
      message = readString(m, L, -1);
      m._lua_settop(L, -2);
      if (this.s.global.lua.lua_getfield(L, -1, "ast") === LUA_TTABLE) {
        const p = this.sourceOf(-1);
        if (p !== undefined) where = new Sym("", p);
      }
      m._lua_settop(L, -2);
    } else {
      if (m._lua_type(L, -1) === LUA_TTABLE) m._lua_settop(L, -2);
      message = this.s.chunks.rewrite(this.s.global.lua.luaL_tolstring(L, -1, null), this.errors.file).text;
      m._lua_settop(L, -2);
      if (/^timed out\b/.test(message) && this.timeoutMs !== undefined) {
        message = `compile-time code did not finish within ${this.timeoutMs} ms`;
      }
    }
    m._lua_settop(L, -2);
    m._lua_settop(L, -2);
    return this.errors.error(where, message);
  }

  /** The source position an AST node at `idx` records, if any. */
  private sourceOf(idx: number): Pos | undefined {
    let pos: Pos | undefined;
    try {
      pos = this.readForm(idx, NO_POS).pos;
    } catch {
      return undefined;
    }
    return pos.line > 0 ? pos : undefined;
  }

  run(env: LuaHandle, code: string, chunkName: string, at: Form, label: string, args: Array<string | undefined> = []): LuaHandle | undefined {
    void label;
    return this.inFrame(undefined, () => {
      this.pushHelper("run");
      pushString(this.s.m, this.L, code);
      pushString(this.s.m, this.L, chunkName);
      this.s.reg.push(this.L, env.ref);
      for (const a of args) {
        if (a === undefined) this.s.m._lua_pushnil(this.L);
        else pushString(this.s.m, this.L, a);
      }
      this.call(3 + args.length, 2);
      return this.result(at);
    });
  }

  private predicate(name: string, h: LuaHandle): boolean {
    this.pushHelper(name);
    this.s.reg.push(this.L, h.ref);
    this.call(1, 1);
    const v = this.s.m._lua_toboolean(this.L, -1) !== 0;
    this.s.m._lua_settop(this.L, -2);
    return v;
  }

  isCallable(h: LuaHandle): boolean {
    return this.predicate("callable", h);
  }

  isTable(h: LuaHandle): boolean {
    return this.predicate("is_table", h);
  }

  field(h: LuaHandle, key: string): LuaHandle | undefined {
    this.pushHelper("field");
    this.s.reg.push(this.L, h.ref);
    pushString(this.s.m, this.L, key);
    this.call(2, 1);
    return this.holdUnlessNil();
  }

  /** Hold the value at the top of the stack, or pop it and give undefined when it is nil. */
  private holdUnlessNil(): LuaHandle | undefined {
    if (this.s.m._lua_type(this.L, -1) === LUA_TNIL) {
      this.s.m._lua_settop(this.L, -2);
      return undefined;
    }
    return this.hold();
  }

  entries(h: LuaHandle): Array<[string, LuaHandle]> {
    const m = this.s.m;
    const lua = this.s.global.lua;
    this.pushHelper("entries");
    this.s.reg.push(this.L, h.ref);
    this.call(1, 2);
    const n = m._lua_rawlen(this.L, -2);
    const out: Array<[string, LuaHandle]> = [];
    for (let i = 1; i <= n; i++) {
      lua.lua_rawgeti(this.L, -2, BigInt(i));
      const name = readString(m, this.L, -1);
      m._lua_settop(this.L, -2);
      lua.lua_rawgeti(this.L, -1, BigInt(i));
      out.push([name, this.hold()]);
    }
    m._lua_settop(this.L, -3);
    return out;
  }

  macroModule(name: string, at: Form): LuaHandle {
    return this.inFrame(undefined, () => {
      this.pushHelper("module");
      pushString(this.s.m, this.L, name);
      this.pushForm(at);
      this.call(2, 2);
      const h = this.result(at);
      if (h === undefined) return this.errors.error(at, `expected macros to be table`);
      return h;
    });
  }

  expand(macro: UserMacro, form: List, scope: Scope): Form {
    return this.inFrame(scope, () => {
      const L = this.L;
      const top = this.s.m._lua_gettop(L);
      this.pushHelper("call");
      this.s.reg.push(L, macro.value.ref);
      const args = form.items.slice(1);
      try {
        for (const a of args) this.pushForm(a);
      } catch (e) {
        this.s.m._lua_settop(L, top);
        return this.errors.error(form, e instanceof Error ? e.message : String(e));
      }
      this.call(args.length + 1, 2);
      if (this.s.m._lua_toboolean(L, -2) === 0) return this.raise(form);
      try {
        return this.readForm(-1, form.pos);
      } catch (e) {
        if (e instanceof FormConversionError) return this.errors.error(form, e.message);
        throw e;
      } finally {
        this.s.m._lua_settop(L, top);
      }
    });
  }

  stringValue(h: LuaHandle | undefined): string | undefined {
    if (h === undefined) return undefined;
    this.s.reg.push(this.L, h.ref);
    const v = this.s.m._lua_type(this.L, -1) === LUA_TSTRING ? readString(this.s.m, this.L, -1) : undefined;
    this.s.m._lua_settop(this.L, -2);
    return v;
  }

  splice(h: LuaHandle | undefined, at: Form): Splice {
    if (h === undefined) return { kind: "nil" };
    const m = this.s.m;
    const L = this.L;
    this.s.reg.push(L, h.ref);
    try {
      const t = m._lua_type(L, -1);
      if (t === LUA_TSTRING) return { kind: "code", code: readString(m, L, -1) };
      if (t === LUA_TBOOLEAN) return m._lua_toboolean(L, -1) !== 0 ? { kind: "code", code: "true" } : { kind: "nil" };
      if (t === LUA_TNUMBER) {
        const f = this.readForm(-1, at.pos);
        return { kind: "code", code: f instanceof Num ? f.text : "nil" };
      }
      return { kind: "form", form: this.readForm(-1, at.pos) };
    } catch (e) {
      if (e instanceof FormConversionError) return this.errors.error(at, e.message);
      throw e;
    } finally {
      m._lua_settop(L, -2);
    }
  }

  /** Each compile scope's scope table, with the local infos its symmeta entries were made for. */
  private readonly scopeTables = new WeakMap<Scope, { table: Handle; synced: Map<string, LocalInfo> }>();

  /** Push the scope table of `scope`, its symmeta brought up to date (bound locals, their use). */
  private pushScope(scope: Scope): void {
    let entry = this.scopeTables.get(scope);
    if (entry === undefined) {
      this.pushHelper("scope");
      if (scope.parent !== undefined) this.pushScope(scope.parent);
      else this.s.m._lua_pushnil(this.L);
      this.call(1, 1);
      this.s.m._lua_pushboolean(this.L, scope.vararg ? 1 : 0);
      this.s.global.lua.lua_setfield(this.L, -2, "vararg");
      entry = { table: this.hold(), synced: new Map() };
      this.scopeTables.set(scope, entry);
    } else if (scope.parent !== undefined) {
      this.pushScope(scope.parent);
      this.s.m._lua_settop(this.L, -2);
    }
    for (const [name, info] of scope.locals) {
      if (name.startsWith("$")) continue;
      const fresh = entry.synced.get(name) !== info;
      if (!fresh && !info.used) continue;
      entry.synced.set(name, info);
      this.pushHelper("meta");
      this.s.reg.push(this.L, entry.table.ref);
      pushString(this.s.m, this.L, name);
      pushString(this.s.m, this.L, info.lua);
      this.s.m._lua_pushboolean(this.L, info.isVar ? 1 : 0);
      this.s.m._lua_pushboolean(this.L, info.used ? 1 : 0);
      this.s.m._lua_pushboolean(this.L, fresh ? 1 : 0);
      this.call(6, 0);
    }
    this.s.reg.push(this.L, entry.table.ref);
  }

  private pushHookArg(a: HookArg): void {
    const m = this.s.m;
    if (a === undefined) m._lua_pushnil(this.L);
    else if (typeof a === "boolean") m._lua_pushboolean(this.L, a ? 1 : 0);
    else if (a instanceof Scope) this.pushScope(a);
    else if ("flags" in a) {
      m._lua_createtable(this.L, 0, 0);
      for (const [k, v] of Object.entries(a.flags)) {
        m._lua_pushboolean(this.L, v ? 1 : 0);
        this.s.global.lua.lua_setfield(this.L, -2, k);
      }
    } else this.pushForm(a);
  }

  hook(event: string, at: Form, args: HookArg[]): void {
    const scope = args.find((a): a is Scope => a instanceof Scope);
    this.inFrame(scope, () => {
      const top = this.s.m._lua_gettop(this.L);
      this.pushHelper("hook");
      this.pushOpts();
      pushString(this.s.m, this.L, event);
      try {
        for (const a of args) this.pushHookArg(a);
      } catch (e) {
        this.s.m._lua_settop(this.L, top);
        return this.errors.error(at, e instanceof Error ? e.message : String(e));
      }
      this.call(args.length + 2, 2);
      if (this.s.m._lua_toboolean(this.L, -2) === 0) return this.raise(at);
      this.s.m._lua_settop(this.L, top);
    });
  }

  userSpecial(name: string): LuaHandle | undefined {
    this.pushHelper("user_special");
    pushString(this.s.m, this.L, name);
    this.call(1, 1);
    return this.holdUnlessNil();
  }

  callSpecial(special: LuaHandle, form: List, scope: Scope, nval: number | undefined): { lines: string[]; exprs: Array<[string, string]> } {
    return this.inFrame(scope, () => {
      const L = this.L;
      const m = this.s.m;
      const top = m._lua_gettop(L);
      this.pushHelper("call_special");
      this.s.reg.push(L, special.ref);
      try {
        this.pushForm(form);
        this.pushScope(scope);
      } catch (e) {
        m._lua_settop(L, top);
        return this.errors.error(form, e instanceof Error ? e.message : String(e));
      }
      if (nval === undefined) m._lua_pushnil(L);
      else m._lua_pushnumber(L, nval);
      this.call(4, 5);
      if (m._lua_toboolean(L, -5) === 0) {
        m._lua_settop(L, -4);
        return this.raise(form);
      }
      const split = (idx: number): string[] => {
        const t = readString(m, L, idx);
        return t === "" ? [] : t.split("\0");
      };
      const lines = split(-4);
      const codes = split(-3);
      const types = split(-2);
      const n = m._lua_tonumberx(L, -1, 0);
      m._lua_settop(L, top);
      const exprs: Array<[string, string]> = [];
      for (let i = 0; i < n; i++) exprs.push([codes[i] ?? "", types[i] ?? "expression"]);
      return { lines, exprs };
    });
  }

  view(form: Form): string {
    const L = this.L;
    this.s.reg.push(L, this.s.helpers.view);
    this.pushForm(form);
    this.call(1, 1);
    const text = readString(this.s.m, L, -1);
    this.s.m._lua_settop(L, -2);
    return text;
  }
}
