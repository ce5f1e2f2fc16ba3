// Lexical scopes of the compiler: Fennel local → Lua name, var-ness, macros
// bound in the scope, and whether `...` is available. Names are unique per
// Lua name so two Fennel names never meet as one Lua local.
import type { MacroFn } from "../macros/types.js";
import { mangleLocal } from "./mangle.js";

export interface LocalInfo {
  lua: string;
  isVar: boolean;
}

/** A user macro: runs in the compile-time VM; `ref` names it there. */
export interface UserMacro {
  kind: "user";
  ref: string;
  name: string;
}

export type AnyMacro = MacroFn | UserMacro;

export class Scope {
  readonly locals = new Map<string, LocalInfo>();
  /** Lua names taken in this scope (to Fennel names), for uniqueness. */
  readonly luaNames = new Map<string, string>();
  readonly macros = new Map<string, AnyMacro>();
  /** True inside a function whose parameters include `...` (or the chunk). */
  vararg: boolean;
  /** Set on the scope of a `#(...)` body. */
  hashfn = false;

  constructor(
    readonly parent: Scope | undefined,
    opts: { vararg?: boolean; fnBoundary?: boolean } = {},
  ) {
    this.vararg = opts.fnBoundary ? (opts.vararg ?? false) : (parent?.vararg ?? opts.vararg ?? false);
  }

  lookup(name: string): LocalInfo | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const v = s.locals.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  lookupMacro(name: string): AnyMacro | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      if (s.locals.has(name)) return undefined;
      const m = s.macros.get(name);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  private luaNameOwner(lua: string): string | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const v = s.luaNames.get(lua);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Bind Fennel `name` in this scope and return its Lua name. */
  declare(name: string, isVar = false): string {
    const base = mangleLocal(name);
    let lua = base;
    let owner = this.luaNameOwner(lua);
    let n = 1;
    while (owner !== undefined && owner !== name) {
      lua = `${base}_${n++}`;
      owner = this.luaNameOwner(lua);
    }
    this.locals.set(name, { lua, isVar });
    this.luaNames.set(lua, name);
    return lua;
  }

  /** Reserve a compiler temporary's Lua name in this scope. */
  reserve(lua: string): void {
    this.luaNames.set(lua, "\0" + lua);
  }
}
