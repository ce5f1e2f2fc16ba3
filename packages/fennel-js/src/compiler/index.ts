// Entry point of the compiler: Fennel source text in, Lua 5.4 text and a
// line map out. Throws FennelError (kind "parse" or "compile"). Who runs the
// compile passes the compile-time VM in the context (see compile-time.ts).
import { builtinMacros } from "../macros/index.js";
import type { Form } from "../reader/forms.js";
import { readAll } from "../reader/reader.js";
import { requireAsInclude } from "../specials/include.js";
import { specials } from "../specials/index.js";
import type { CompileOptions, CompileResult } from "../types.js";
import type { CompileContext } from "./compile-time.js";
import { Compiler } from "./compiler.js";
import { Chunk, flatten } from "./emit.js";
import type { Expr, Opts } from "./expr.js";
import { Scope } from "./scope.js";

export type { CompileContext, CompileTime, CompileTimeSource, LuaHandle, Splice, UserMacro } from "./compile-time.js";
export { compileForCompileTime } from "../specials/macros.js";
export { Compiler } from "./compiler.js";
export type { Expr, Opts } from "./expr.js";
export { Scope } from "./scope.js";

/** Compile a whole Fennel source string to a Lua chunk. */
export function compileSource(source: string, options: CompileOptions = {}, context: CompileContext = {}): CompileResult {
  const file = options.filename ?? "unknown";
  return compileForms(readAll(source, file), source, options, context);
}

/** Compile forms already read (from `source`, which error messages quote). */
export function compileForms(forms: Form[], source: string, options: CompileOptions = {}, context: CompileContext = {}): CompileResult {
  return compileAt(forms, source, options, context, { tail: true }).result;
}

/**
 * Compile one form where `position` says (a target, a tail, a number of
 * values, or all its values): the statements it needs come back as a chunk,
 * with the expressions it yields (none for a tail or a target).
 */
export function compileOne(form: Form, source: string, options: CompileOptions, context: CompileContext, position: Opts): { result: CompileResult; exprs: Expr[] } {
  return compileAt([form], source, options, context, position);
}

function compileAt(forms: Form[], source: string, options: CompileOptions, context: CompileContext, position: Opts): { result: CompileResult; exprs: Expr[] } {
  const file = options.filename ?? "unknown";
  const c = new Compiler(source, options, specials, builtinMacros, context);
  c.compileTime = context.compileTimeCode === true;
  c.requireAsInclude = requireAsInclude;
  const root = new Chunk();
  const scope = new Scope(undefined, { fnBoundary: true, vararg: context.noVararg !== true });
  if (options.keywords !== undefined && options.keywords.length > 0) scope.keywords = new Set(options.keywords);
  scope.foreign = context.foreignScope?.(c);
  let exprs: Expr[] = [];
  if (forms.length === 1 && !position.tail) exprs = c.compile(forms[0]!, scope, root, position);
  else if (forms.length > 0) c.compileBody(forms, 0, scope, root, position, forms[0]!);
  if (c.plugins && forms.length > 0) c.hook("chunk", forms[forms.length - 1]!, forms[forms.length - 1]!, scope);
  scope.foreign?.save(scope.locals, scope.macros, c.declaredGlobals);
  const { lua, lines } = flatten(root, { correlate: options.correlate === true });
  return { result: { lua, sourceMap: { file, lines } }, exprs: [...exprs] };
}
