// quote / quasiquote: at run time, quoted tables and literals become table
// constructors (symbols and lists are compile-time only); in macro code
// (compile time) forms become constructor calls, `,x` is evaluated and
// `name#` becomes one gensym per quote.
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import type { Chunk } from "../compiler/emit.js";
import { Expr, joinExprs, one } from "../compiler/expr.js";
import { isValidLuaIdentifier, luaString } from "../compiler/mangle.js";
import type { Scope } from "../compiler/scope.js";
import { Bool, List, Nil, Num, Sequence, Str, Sym, Table, Varg, type Form } from "../reader/forms.js";

export const quoteSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  if (form.items.length !== 2) return c.error(form, M.wrongArity("quote", "one argument"));
  const gensyms = new Map<string, string>();
  return [quote(form.items[1]!, scope, parent, c, gensyms, true)];
};

export const unquoteSpecial: SpecialFn = (form, _scope, _parent, _opts, c) => {
  return c.error(form, M.unquoteOutside());
};

function quote(f: Form, scope: Scope, parent: Chunk, c: Compiler, gensyms: Map<string, string>, last: boolean): Expr {
  const ct = c.compileTime;
  if (f instanceof Sym) {
    if (!ct) return c.error(f, M.quoteRuntime("symbols"));
    if (f.name.endsWith("#") && f.name.length > 1) {
      let v = gensyms.get(f.name);
      if (v === undefined) {
        v = c.gensym(scope, "gs");
        parent.emit(`local ${v} = __fnl.gensym(${luaString(f.name.slice(0, -1))})`, c.lineOf(f));
        gensyms.set(f.name, v);
      }
      return new Expr(v, "sym");
    }
    return new Expr(`__fnl.sym(${luaString(f.name)}, ${f.pos.line})`, "call");
  }
  if (f instanceof List) {
    const h = f.items[0];
    if (h instanceof Sym && h.name === "unquote") {
      const arg = f.items[1];
      if (arg === undefined) return c.error(f, M.wrongArity("unquote", "one argument"));
      if (last) return lastExpr(c, arg, scope, parent);
      return c.compile1(arg, scope, parent);
    }
    // Items first, as the reference: in `'(a b)` at run time the symbol is the error.
    const items = f.items.map((x, i) => quote(x, scope, parent, c, gensyms, i === f.items.length - 1));
    if (!ct) return c.error(f, M.quoteRuntime("lists"));
    return new Expr(`__fnl.list_at(${f.pos.line}, ${joinExprs(items) || "nil"})`, "call");
  }
  if (f instanceof Sequence) {
    const items = f.items.map((x, i) => quote(x, scope, parent, c, gensyms, i === f.items.length - 1));
    return new Expr(ct ? `__fnl.sequence(${joinExprs(items)})` : `{${joinExprs(items)}}`, ct ? "call" : "table");
  }
  if (f instanceof Table) {
    const parts = f.entries.map(([k, v]) => {
      const ke = k instanceof Str && isValidLuaIdentifier(k.value) ? k.value : "[" + one(quote(k, scope, parent, c, gensyms, false)) + "]";
      return ke + " = " + one(quote(v, scope, parent, c, gensyms, false));
    });
    return new Expr("{" + parts.join(", ") + "}", "table");
  }
  if (f instanceof Varg) {
    if (!ct) return c.error(f, M.quoteRuntime("quoted ..."));
    return new Expr("__fnl.varg()", "call");
  }
  if (f instanceof Str) return new Expr(luaString(f.value), "lit");
  if (f instanceof Num) return new Expr(f.text, "lit");
  if (f instanceof Bool) return new Expr(String(f.value), "lit");
  if (f instanceof Nil) return new Expr("nil", "lit");
  return c.error(f, M.unknownForm(String(f)));
}

function lastExpr(c: Compiler, arg: Form, scope: Scope, parent: Chunk): Expr {
  const es = c.compileAll(arg, scope, parent);
  if (es.length === 0) return new Expr("nil", "lit");
  return es.length === 1 ? es[0]! : new Expr(joinExprs(es), "call");
}
