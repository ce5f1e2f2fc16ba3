// Macro specials: macro, macros, import-macros, require-macros,
// eval-compiler, macrodebug. Their code runs in the compile-time VM
// (compiler/compile-time.ts) and they emit nothing at run time, except
// eval-compiler's value and macrodebug's text.
import { compileMessages as M } from "../diagnostics.js";
import type { LuaHandle } from "../compiler/compile-time.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import { Chunk, flatten } from "../compiler/emit.js";
import { Expr, NIL } from "../compiler/expr.js";
import { luaString } from "../compiler/mangle.js";
import { Scope } from "../compiler/scope.js";
import { List, Str, Sym, Table, type Form } from "../reader/forms.js";

/**
 * Compile `forms` as compile-time code for a fresh compiler environment;
 * with `runtimeSemantics`, as ordinary code (quote builds data, not forms).
 */
export function compileForCompileTime(
  c: Compiler,
  forms: Form[],
  at: Form,
  scope: Scope,
  opts: { runtimeSemantics?: boolean } = {},
): { env: LuaHandle; code: string } {
  const ct = c.ct;
  const env = ct.newEnv(at, scope);
  const child = c.childForCompileTime(ct.globalNames(env));
  if (opts.runtimeSemantics) child.compileTime = false;
  const root = new Chunk();
  const s = new Scope(undefined, { fnBoundary: true, vararg: true });
  child.compileBody(forms, 0, s, root, { tail: true }, at);
  return { env, code: flatten(root, { correlate: true }).lua };
}

/** Run `forms` at compile time; their first value. */
function evaluate(c: Compiler, forms: Form[], at: Form, scope: Scope, label: string): LuaHandle | undefined {
  const { env, code } = compileForCompileTime(c, forms, at, scope);
  return c.ct.run(env, code, `@${c.file}`, at, label);
}

/** A name a macro may be bound to in `scope`. */
function checkMacroName(c: Compiler, name: Sym, scope: Scope): void {
  c.checkBindingValid(name, scope, { macro: true });
}

function addMacros(c: Compiler, scope: Scope, entries: Array<[string, LuaHandle]>, at: Form): void {
  for (const [name, value] of entries) {
    if (!c.ct.isCallable(value)) c.error(at, M.macroNotCallable());
    checkMacroName(c, new Sym(name, at.pos), scope);
    scope.setMacro(name, { kind: "user", value, name });
  }
}

export const macroSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const name = form.items[1];
  if (!(name instanceof Sym)) return c.error(name ?? form, M.wrongArity("macro", "a name, parameters and body"));
  checkMacroName(c, name, scope);
  // Anonymous, as the reference makes it: the macro's body may call a function of the same name.
  const fnForm = new List([new Sym("fn", form.pos), ...form.items.slice(2)], form.pos);
  const value = evaluate(c, [fnForm], form, scope, name.name);
  if (value === undefined || !c.ct.isCallable(value)) return c.error(form, M.macroNotCallable());
  scope.setMacro(name.name, { kind: "user", value, name: name.name });
  return done(c, form, parent, opts);
};

export const macrosSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  if (form.items.length !== 2) return c.error(form, M.macrosOneTable());
  const t = evaluate(c, [form.items[1]!], form, scope, "macros");
  if (t === undefined || !c.ct.isTable(t)) return c.error(form, M.macrosOneTable());
  addMacros(c, scope, c.ct.entries(t), form);
  return done(c, form, parent, opts);
};

/** The module name an import-macros or require-macros argument gives. */
function moduleName(c: Compiler, f: Form | undefined, scope: Scope, at: Form): string {
  if (f instanceof Str) return f.value;
  if (f === undefined) return c.error(at, M.importMacrosArgs());
  // Any other expression is evaluated, with the module's name and file as `...`.
  const { env, code } = compileForCompileTime(c, [f], at, scope, { runtimeSemantics: true });
  const name = c.ct.stringValue(c.ct.run(env, code, `@${c.file}`, at, "import-macros", [c.moduleName, c.file]));
  if (name === undefined) return c.error(at, M.moduleNameNotString());
  return name;
}

export const importMacrosSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  if (items.length < 3 || items.length % 2 === 0) return c.error(form, M.importMacrosArgs());
  const ct = c.ct;
  for (let i = 1; i < items.length; i += 2) {
    const binding = items[i]!;
    const modName = moduleName(c, items[i + 1], scope, form);
    const mod = ct.macroModule(modName, form);
    if (binding instanceof Sym) {
      checkMacroName(c, binding, scope);
      scope.setMacro(binding.name, { kind: "user", value: mod, name: binding.name });
    } else if (binding instanceof Table) {
      for (const [k, v] of binding.entries) {
        if (!(k instanceof Str) || !(v instanceof Sym)) return c.error(k, M.importMacrosArgs());
        const m = ct.field(mod, k.value);
        if (m === undefined) return c.error(form, M.macroNotInModule(k.value, modName));
        addMacros(c, scope, [[v.name, m]], form);
      }
    } else {
      return c.error(binding, M.importMacrosArgs());
    }
  }
  return done(c, form, parent, opts);
};

export const requireMacrosSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  if (form.items.length !== 2) return c.error(form, M.requireMacrosOne());
  const modName = moduleName(c, form.items[1], scope, form);
  addMacros(c, scope, c.ct.entries(c.ct.macroModule(modName, form)), form);
  return done(c, form, parent, opts);
};

export const evalCompilerSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const body = new List([new Sym("do", form.pos), ...form.items.slice(1)], form.pos);
  const v = evaluate(c, [body], form, scope, "eval-compiler");
  const s = c.ct.splice(v, form);
  if (s.kind === "code") return [new Expr(s.code, "expr")];
  if (s.kind === "form") return c.compile(s.form, scope, parent, opts.nval === 0 ? { nval: 0 } : { nval: 1 });
  return done(c, form, parent, opts);
};

export const macrodebugSpecial: SpecialFn = (form, scope, _parent, _opts, c) => {
  const target = form.items[1];
  if (target === undefined) return c.error(form, M.wrongArity("macrodebug", "a form"));
  const text = c.ct.view(c.macroexpandAll(target, scope));
  const str = new Expr(luaString(text), "lit");
  if (form.items[2] !== undefined) return [str];
  return [new Expr(`print(${str.code})`, "call")];
};

/** What a definition special evaluates to: nil (it emits nothing). */
function done(..._unused: unknown[]): Expr[] {
  return [NIL];
}
