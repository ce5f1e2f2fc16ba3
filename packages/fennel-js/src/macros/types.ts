// The contract between the compiler and the built-in macros: a macro is a
// TypeScript function from the whole call form to a new form. The compiler
// expands it (repeatedly, until the head is no longer a macro) and compiles
// the result. User macros (macro/macros/import-macros) live in the compiler.
import type { Form, List, Pos, Sym } from "../reader/forms.js";

export interface MacroContext {
  /** A fresh symbol that cannot collide with user code, e.g. `base_1_`. */
  gensym(base?: string, pos?: Pos): Sym;
  /** Raise a compile error at `form`'s position; hints become `* Try …` lines. */
  error(form: Form, message: string, hints?: string[]): never;
  /** True when `name` is bound as a local where the macro is used. */
  inScope(name: string): boolean;
  /** The locals visible where the macro is used, innermost first, each once. */
  localNames(): string[];
  /** True when `...` is available where the macro is used. */
  readonly vararg: boolean;
  /** Compile options that change what some built-in macros produce. */
  readonly options: { toBeClosed?: boolean; fennelModuleName?: string };
}

/** A built-in macro: the call `(name args…)` in, its expansion out. */
export type MacroFn = (form: List, ctx: MacroContext) => Form;
