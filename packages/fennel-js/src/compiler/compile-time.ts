// The contract between the compiler and the Lua VM where compile-time code
// runs (macro definitions, macro calls, eval-compiler, macro modules). The
// host implements it (host/compile-time/) on a VM's own Lua state; the
// compiler holds Lua values only as opaque handles.
import type { Form, List } from "../reader/forms.js";
import type { LuaHandle, UserMacro } from "./lua-handle.js";
import type { ForeignScope, Scope } from "./scope.js";

export type { LuaHandle, UserMacro };

/** An argument a plugin hook receives: a form, a scope (as a scope table), a table of flags, or nil. */
export type HookArg = Form | Scope | { flags: Record<string, boolean> } | boolean | undefined;

/** What eval-compiler's value becomes in the output. */
export type Splice = { kind: "nil" } | { kind: "code"; code: string } | { kind: "form"; form: Form };

export interface CompileTime {
  /** A fresh compiler environment for code defined at `at` in `scope`. */
  newEnv(at: Form, scope: Scope): LuaHandle;
  /** Global names code running in `env` may use (strict globals for compile-time code). */
  globalNames(env: LuaHandle): string[];
  /**
   * Load compile-time Lua `code` with `env` as its globals and run it; its
   * first value, or undefined for nil. A failure is a compile error at `at`
   * whose message begins with `label`.
   */
  run(env: LuaHandle, code: string, chunkName: string, at: Form, label: string, args?: Array<string | undefined>): LuaHandle | undefined;
  /** Is the value a function or callable table? */
  isCallable(h: LuaHandle): boolean;
  /** Is the value a table (not a list, symbol or vararg)? */
  isTable(h: LuaHandle): boolean;
  /** The string-keyed entries of a table, in a stable order. */
  entries(h: LuaHandle): Array<[string, LuaHandle]>;
  /** A field of a table value, or undefined when absent. */
  field(h: LuaHandle, key: string): LuaHandle | undefined;
  /** Load (once) the macro module `name` and return its table. */
  macroModule(name: string, at: Form): LuaHandle;
  /** Call a macro with the arguments of `form`; returns the expansion. */
  expand(macro: UserMacro, form: List, scope: Scope): Form;
  /** The value as a string, when it is one. */
  stringValue(h: LuaHandle | undefined): string | undefined;
  /** What eval-compiler's value splices in. */
  splice(h: LuaHandle | undefined, at: Form): Splice;
  /** A form as fennel.view shows it (macrodebug). */
  view(form: Form): string;
  /** Call the plugins' handlers for `event` (the plugins option); a failure is a compile error at `at`. */
  hook(event: string, at: Form, args: HookArg[]): void;
  /** A special form compile-time code defined in _SPECIALS under `name`, if any. */
  userSpecial(name: string): LuaHandle | undefined;
  /** Call such a special on `form`: the Lua lines it compiled, and its expressions (code and Lua expression type). */
  callSpecial(special: LuaHandle, form: List, scope: Scope, nval: number | undefined): { lines: string[]; exprs: Array<[string, string]> };
  /** A docstring a macro function carries in fennel.metadata, with its arglist. */
  macroDoc?(macro: UserMacro): { arglist?: string[]; docstring?: string } | undefined;
}

/** What the compile-time VM may ask of the compiler it serves. */
export interface CompilerSide {
  /** Raise a compile error at `form` (failures of compile-time code become these). */
  error(form: Form | undefined, reason: string, hints?: string[]): never;
  readonly file: string;
  /** Expand `form` until its head is no longer a macro (the macroexpand helper). */
  macroexpandAll(form: Form, scope: Scope): Form;
  /** The next number for a fresh name (the gensym helper). */
  nextGensymId(): number;
}

/** Gives the compiler its compile-time VM when it first needs one. */
export type CompileTimeSource = (compiler: CompilerSide) => CompileTime;

/** What a compile gets from whoever runs it, beyond the public options. */
export interface CompileContext {
  /** The compile-time VM; without it, macros and eval-compiler are errors. */
  compileTime?: CompileTimeSource;
  /** The code itself runs at compile time (a macro module): quote builds forms. */
  compileTimeCode?: boolean;
  /** allowedGlobals lists every global allowed (Lua's own standard globals are not added). */
  exactGlobals?: boolean;
  /** Told of each global `global` declares, so later compiles allow it too. */
  onGlobal?: (name: string) => void;
  /** The scope this compile continues (the scope option); its root scope reads and writes it. */
  foreignScope?: (compiler: CompilerSide) => ForeignScope;
  /** The options name plugins: call their hooks where the reference does. */
  plugins?: boolean;
  /** The scope this compile continues is inside a function without `...`. */
  noVararg?: boolean;
  /** Numbers temporaries from a counter outside the compile, so code from several compiles can share a chunk. */
  nextGensymId?: () => number;
}
