// Lexical scopes of the compiler: Fennel local → Lua name, var-ness, macros
// bound in the scope, and whether `...` is available. Names are unique per
// Lua name so two Fennel names never meet as one Lua local.
import type { MacroFn } from "../macros/types.js";
import type { UserMacro } from "./lua-handle.js";
import { mangleLocal } from "./mangle.js";

export interface LocalInfo {
  lua: string;
  isVar: boolean;
  /** For `(fn name [args] "doc" …)`: what `(doc name)` shows. */
  doc?: { arglist: string[]; docstring: string | undefined };
}

export type AnyMacro = MacroFn | UserMacro;

const EMPTY_LOCALS: ReadonlyMap<string, LocalInfo> = new Map();
const EMPTY_MACROS: ReadonlyMap<string, AnyMacro> = new Map();

export class Scope {
  // Maps are created on first write: most scopes (if branches, do blocks) bind nothing.
  private localsMap: Map<string, LocalInfo> | undefined;
  /** Lua names taken in this scope (to Fennel names), for uniqueness. */
  private luaNamesMap: Map<string, string> | undefined;
  private macrosMap: Map<string, AnyMacro> | undefined;
  /** True inside a function whose parameters include `...` (or the chunk). */
  vararg: boolean;
  /** Set on the scope of a `#(...)` body. */
  hashfn = false;
  private autogensymsMap: Map<string, string> | undefined;

  constructor(
    readonly parent: Scope | undefined,
    opts: { vararg?: boolean; fnBoundary?: boolean } = {},
  ) {
    this.vararg = opts.fnBoundary ? (opts.vararg ?? false) : (parent?.vararg ?? opts.vararg ?? false);
  }

  /** Locals bound in this scope (read-only view). */
  get locals(): ReadonlyMap<string, LocalInfo> {
    return this.localsMap ?? EMPTY_LOCALS;
  }

  /** The names `x#` stands for in quotes written in this scope. */
  get autogensyms(): Map<string, string> {
    return (this.autogensymsMap ??= new Map());
  }

  /** Macros bound in this scope (read-only view). */
  get macros(): ReadonlyMap<string, AnyMacro> {
    return this.macrosMap ?? EMPTY_MACROS;
  }

  setLocal(name: string, info: LocalInfo): void {
    (this.localsMap ??= new Map()).set(name, info);
  }

  setMacro(name: string, m: AnyMacro): void {
    (this.macrosMap ??= new Map()).set(name, m);
  }

  lookup(name: string): LocalInfo | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const v = s.localsMap?.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  lookupMacro(name: string): AnyMacro | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      if (s.localsMap?.has(name)) return undefined;
      const m = s.macrosMap?.get(name);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  private luaNameOwner(lua: string): string | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const v = s.luaNamesMap?.get(lua);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Bind Fennel `name` in this scope and return its Lua name. */
  declare(name: string, isVar = false): string {
    const lua = this.pickName(name);
    this.setLocal(name, { lua, isVar });
    return lua;
  }

  /**
   * Choose and reserve the Lua name for a new local `name` without binding
   * it yet (its value is compiled first). Like the reference, a Lua name
   * already visible (even when shadowing the same Fennel name) gets a
   * counter appended: x, x0, x1…
   */
  pickName(name: string): string {
    const base = mangleLocal(name);
    let lua = base;
    let n = 0;
    while (this.luaNameOwner(lua) !== undefined) lua = base + n++;
    (this.luaNamesMap ??= new Map()).set(lua, name);
    return lua;
  }

  /** Reserve a compiler temporary's Lua name in this scope. */
  reserve(lua: string): void {
    (this.luaNamesMap ??= new Map()).set(lua, "\0" + lua);
  }
}
