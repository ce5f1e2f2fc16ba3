// Lexical scopes of the compiler: Fennel local → Lua name, var-ness, macros
// bound in the scope, and whether `...` is available. Names are unique per
// Lua name so two Fennel names never meet as one Lua local.
import type { MacroFn } from "../macros/types.js";
import type { UserMacro } from "./lua-handle.js";
import { mangleLocal } from "./mangle.js";

export interface LocalInfo {
  lua: string;
  isVar: boolean;
  /** Referenced since it was bound (tracked only when plugins are on). */
  used?: boolean;
  /** For `(fn name [args] "doc" …)`: what `(doc name)` shows. */
  doc?: { arglist: string[]; docstring: string | undefined };
}

export type AnyMacro = MacroFn | UserMacro;

/** Marks a Lua name as a global's, not a local's. */
const GLOBAL_OWNER = "\0global";
/** Marks a Lua name a scope the compile continues (ForeignScope) already uses. */
const FOREIGN_OWNER = "\0foreign";

/**
 * A scope kept outside this compile (a Lua scope table a program passes,
 * as the REPL does): the root scope consults it for names it does not bind
 * itself, and the compile's top-level names are written back to it.
 */
export interface ForeignScope {
  local(name: string): LocalInfo | undefined;
  macro(name: string): AnyMacro | undefined;
  luaNameTaken(lua: string): boolean;
  /** Record what the compile's root scope bound, and the globals it declared. */
  save(locals: ReadonlyMap<string, LocalInfo>, macros: ReadonlyMap<string, AnyMacro>, globals: ReadonlyMap<string, string>): void;
}

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

  /** On a compile's root scope: the scope the compile continues, if any. */
  foreign: ForeignScope | undefined;

  /** Names to mangle as if they were Lua keywords (the keywords option), shared down the chain. */
  keywords: ReadonlySet<string> | undefined;

  constructor(
    readonly parent: Scope | undefined,
    opts: { vararg?: boolean; fnBoundary?: boolean } = {},
  ) {
    this.vararg = opts.fnBoundary ? (opts.vararg ?? false) : (parent?.vararg ?? opts.vararg ?? false);
    this.keywords = parent?.keywords;
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

  /** A name bound later in the same scope replaces the one bound earlier, local or macro. */
  setLocal(name: string, info: LocalInfo): void {
    (this.localsMap ??= new Map()).set(name, info);
    this.macrosMap?.delete(name);
  }

  setMacro(name: string, m: AnyMacro): void {
    (this.macrosMap ??= new Map()).set(name, m);
    this.localsMap?.delete(name);
  }

  lookup(name: string): LocalInfo | undefined {
    let s: Scope = this;
    for (;;) {
      const v = s.localsMap?.get(name);
      if (v !== undefined) return v;
      if (s.macrosMap?.has(name)) return undefined;
      if (s.parent === undefined) return s.foreign?.local(name);
      s = s.parent;
    }
  }

  lookupMacro(name: string): AnyMacro | undefined {
    let s: Scope = this;
    for (;;) {
      if (s.localsMap?.has(name)) return undefined;
      const m = s.macrosMap?.get(name);
      if (m !== undefined) return m;
      if (s.parent === undefined) return s.foreign?.macro(name);
      s = s.parent;
    }
  }

  /** Is Lua name `lua` a visible local's (or a global this compile uses)? */
  luaNameTaken(lua: string): boolean {
    const owner = this.luaNameOwner(lua);
    return owner !== undefined && owner !== GLOBAL_OWNER;
  }

  /** The names of the locals visible here, innermost first, each once. */
  visibleLocals(): string[] {
    const seen = new Set<string>();
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      for (const name of s.locals.keys()) seen.add(name);
    }
    return [...seen];
  }

  /** Inside a `#(...)` body (up to the function that encloses it)? */
  inHashfn(): boolean {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) if (s.hashfn) return true;
    return false;
  }

  /** Keep locals from taking `lua`, the Lua name of a global this compile uses. */
  reserveGlobal(lua: string): void {
    let root: Scope = this;
    while (root.parent !== undefined) root = root.parent;
    if (root.luaNameOwner(lua) === undefined) (root.luaNamesMap ??= new Map()).set(lua, GLOBAL_OWNER);
  }

  private luaNameOwner(lua: string): string | undefined {
    let s: Scope = this;
    for (;;) {
      const v = s.luaNamesMap?.get(lua);
      if (v !== undefined) return v;
      if (s.parent === undefined) return s.foreign?.luaNameTaken(lua) ? FOREIGN_OWNER : undefined;
      s = s.parent;
    }
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
    const base = this.keywords?.has(name) ? "_" + name : mangleLocal(name);
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
