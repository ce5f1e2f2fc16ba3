// A Lua scope table (fennel.scope, the REPL's scope) as the compile's root
// scope sees it: names it binds (manglings, with symmeta's var flag), macros,
// Lua names taken (unmanglings); and what the compile bound at top level,
// written back so the next compile with the same scope sees it.
import type { LuaHandle } from "../../compiler/compile-time.js";
import type { AnyMacro, ForeignScope, LocalInfo } from "../../compiler/scope.js";
import { LUA_TFUNCTION, LUA_TSTRING, LUA_TTABLE, pushString, readString } from "../lua-stack.js";
import { compileTimeLibrary } from "../vm/compile-time-library.js";
import type { VMState } from "../vm/state.js";

export class LuaForeignScope implements ForeignScope {
  private readonly macros = new Map<string, AnyMacro | undefined>();

  /** `hold` refs the value at the top of the stack (popping it) for as long as the compile runs. */
  constructor(
    private readonly s: VMState,
    private readonly L: number,
    private readonly scopeRef: number,
    private readonly hold: () => LuaHandle,
  ) {}

  /** Push scope[table][key] (through __index, as the reference's inheriting tables work). */
  private pushEntry(table: string, key: string): number {
    const lua = this.s.global.lua;
    this.s.reg.push(this.L, this.scopeRef);
    if (lua.lua_getfield(this.L, -1, table) !== LUA_TTABLE) {
      this.s.m._lua_settop(this.L, -3);
      this.s.m._lua_pushnil(this.L);
      return 0;
    }
    const t = lua.lua_getfield(this.L, -1, key);
    lua.lua_rotate(this.L, -3, 1);
    this.s.m._lua_settop(this.L, -3);
    return t;
  }

  local(name: string): LocalInfo | undefined {
    if (this.pushEntry("manglings", name) !== LUA_TSTRING) {
      this.s.m._lua_settop(this.L, -2);
      return undefined;
    }
    const lua = readString(this.s.m, this.L, -1);
    this.s.m._lua_settop(this.L, -2);
    let isVar = false;
    if (this.pushEntry("symmeta", name) === LUA_TTABLE) {
      this.s.global.lua.lua_getfield(this.L, -1, "var");
      isVar = this.s.m._lua_toboolean(this.L, -1) !== 0;
      this.s.m._lua_settop(this.L, -2);
    }
    this.s.m._lua_settop(this.L, -2);
    return { lua, isVar };
  }

  macro(name: string): AnyMacro | undefined {
    if (this.macros.has(name)) return this.macros.get(name);
    const lua = this.s.global.lua;
    this.s.reg.push(this.L, compileTimeLibrary(this.s).specials);
    lua.lua_getfield(this.L, -1, "scope-macro");
    lua.lua_rotate(this.L, -2, -1);
    this.s.m._lua_settop(this.L, -2);
    this.s.reg.push(this.L, this.scopeRef);
    pushString(this.s.m, this.L, name);
    lua.lua_callk(this.L, 2, 1, 0, null);
    const t = this.s.m._lua_type(this.L, -1);
    let m: AnyMacro | undefined;
    if (t === LUA_TFUNCTION || t === LUA_TTABLE) m = { kind: "user", value: this.hold(), name };
    else this.s.m._lua_settop(this.L, -2);
    this.macros.set(name, m);
    return m;
  }

  luaNameTaken(lua: string): boolean {
    const t = this.pushEntry("unmanglings", lua);
    this.s.m._lua_settop(this.L, -2);
    return t !== 0;
  }

  save(locals: ReadonlyMap<string, LocalInfo>, macros: ReadonlyMap<string, AnyMacro>, globals: ReadonlyMap<string, string>): void {
    const L = this.L;
    const lua = this.s.global.lua;
    const m = this.s.m;
    const set = (table: string, key: string, push: () => void): void => {
      this.s.reg.push(L, this.scopeRef);
      if (lua.lua_getfield(L, -1, table) !== LUA_TTABLE) {
        m._lua_settop(L, -2);
        m._lua_createtable(L, 0, 0);
        m._lua_pushvalue(L, -1);
        lua.lua_setfield(L, -3, table);
      }
      push();
      lua.lua_setfield(L, -2, key);
      m._lua_settop(L, -3);
    };
    for (const [name, info] of locals) {
      if (name.startsWith("$")) continue;
      set("manglings", name, () => pushString(m, L, info.lua));
      set("unmanglings", info.lua, () => pushString(m, L, name));
      set("symmeta", name, () => {
        m._lua_createtable(L, 0, 1);
        m._lua_pushboolean(L, info.isVar ? 1 : 0);
        lua.lua_setfield(L, -2, "var");
      });
    }
    // Globals declared are known names (completion sees them) but not saved locals.
    for (const [name, lua] of globals) {
      set("manglings", name, () => pushString(m, L, lua));
      set("unmanglings", lua, () => pushString(m, L, name));
    }
    for (const [name, macro] of macros) {
      if (typeof macro === "function") continue;
      set("macros", name, () => this.s.reg.push(L, macro.value.ref));
    }
  }
}
