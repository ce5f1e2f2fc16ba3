// quote / quasiquote: at run time, quoted tables and literals become table
// constructors (symbols and lists are compile-time only); in macro code
// (compile time) forms become constructor calls through _G (the compiler
// environment), `,x` is evaluated and `name#` becomes one name per scope.
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import type { Chunk } from "../compiler/emit.js";
import { Expr, NIL, joinExprs, one } from "../compiler/expr.js";
import { isValidLuaIdentifier, luaString } from "../compiler/mangle.js";
import type { Scope } from "../compiler/scope.js";
import { Bool, List, Nil, Num, Sequence, Str, Sym, Table, Varg, type Form } from "../reader/forms.js";

export const quoteSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  if (form.items.length !== 2) return c.error(form, M.wrongArity("quote", "one argument"));
  return [quote(form.items[1]!, scope, parent, c, true)];
};

export const unquoteSpecial: SpecialFn = (form, _scope, _parent, _opts, c) => {
  return c.error(form, M.unquoteOutside());
};

/** `{filename=…, line=…, …}`: where a quoted form was written, for the form quote builds. */
function sourceTable(f: Form, extra = ""): string {
  const p = f.pos;
  const parts = [`filename=${p.line > 0 ? luaString(p.file) : "nil"}`, `line=${p.line > 0 ? p.line : "nil"}`];
  if (p.line > 0) parts.push(`col=${p.col}`, `bytestart=${p.offset + 1}`);
  return parts.join(", ") + extra;
}

/** The name `x#` stands for in this scope: one fresh name per base per scope, as the reference. */
function autogensym(name: string, scope: Scope, c: Compiler): string {
  const multi = /#[.:]/.exec(name);
  if (multi !== null) return autogensym(name.slice(0, multi.index + 1), scope, c) + name.slice(multi.index + 1);
  let s: Scope | undefined = scope;
  while (s !== undefined && !s.autogensyms.has(name)) s = s.parent;
  const known = s?.autogensyms.get(name);
  if (known !== undefined) return known;
  const fresh = `${name.slice(0, -1)}_${c.nextGensymId()}_auto`;
  scope.autogensyms.set(name, fresh);
  return fresh;
}

function isAutogensym(name: string): boolean {
  return name.length > 1 && (name.endsWith("#") || /#[.:]/.test(name));
}

function quote(f: Form, scope: Scope, parent: Chunk, c: Compiler, last: boolean): Expr {
  const ct = c.compileTime;
  if (f instanceof Sym || f instanceof Nil) {
    if (!ct) {
      if (f instanceof Nil) return NIL;
      return c.error(f, M.quoteRuntime("symbols"));
    }
    const name = f instanceof Nil ? "nil" : f.name;
    if (isAutogensym(name)) {
      return new Expr(`_G.sym(${luaString(autogensym(name, scope, c))}, {${sourceTable(f)}})`, "call");
    }
    return new Expr(`_G.sym(${luaString(name)}, {quoted=true, ${sourceTable(f)}})`, "call");
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
    const items = f.items.map((x, i) => quote(x, scope, parent, c, i === f.items.length - 1));
    if (!ct) return c.error(f, M.quoteRuntime("lists"));
    const body = [sourceTable(f), ...items.map((e, i) => (i === items.length - 1 ? e.code : one(e)))].join(", ");
    return new Expr(`setmetatable({${body}}, getmetatable(_G.list()))`, "call");
  }
  if (f instanceof Sequence) {
    const items = f.items.map((x, i) => quote(x, scope, parent, c, i === f.items.length - 1));
    const body = joinExprs(items);
    if (!ct) return new Expr(`{${body}}`, "table");
    return new Expr(`setmetatable({${body}}, {${sourceTable(f)}, sequence=getmetatable(_G.sequence())["sequence"]})`, "call");
  }
  if (f instanceof Table) {
    const parts = f.entries.map(([k, v]) => {
      const ke = k instanceof Str && isValidLuaIdentifier(k.value) ? k.value : "[" + one(quote(k, scope, parent, c, false)) + "]";
      return ke + " = " + one(quote(v, scope, parent, c, false));
    });
    const body = "{" + parts.join(", ") + "}";
    if (!ct) return new Expr(body, "table");
    return new Expr(`setmetatable(${body}, {${sourceTable(f)}})`, "call");
  }
  if (f instanceof Varg) {
    if (!ct) return c.error(f, M.quoteRuntime("quoted ..."));
    return new Expr("_VARARG", "sym");
  }
  if (f instanceof Str) return new Expr(luaString(f.value), "lit");
  if (f instanceof Num) return new Expr(f.text, "lit");
  if (f instanceof Bool) return new Expr(String(f.value), "lit");
  return c.error(f, M.unknownForm(String(f)));
}

function lastExpr(c: Compiler, arg: Form, scope: Scope, parent: Chunk): Expr {
  const es = c.compileAll(arg, scope, parent);
  if (es.length === 0) return new Expr("nil", "lit");
  return es.length === 1 ? es[0]! : new Expr(joinExprs(es), "call");
}
