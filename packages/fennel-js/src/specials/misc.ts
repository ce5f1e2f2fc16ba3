// Miscellaneous specials: lua (raw Lua), comment, doc.
import { compileMessages as M } from "../diagnostics.js";
import type { SpecialFn } from "../compiler/compiler.js";
import { Expr, HANDLED, NIL } from "../compiler/expr.js";
import { luaString } from "../compiler/mangle.js";
import { Nil, Str, Sym } from "../reader/forms.js";
import { printForm } from "../reader/print.js";

export const luaSpecial: SpecialFn = (form, _scope, parent, opts, c) => {
  const items = form.items;
  if (items.length < 2 || items.length > 3) return c.error(form, M.luaArgs());
  const text = (i: number): string | undefined => {
    const f = items[i]!;
    if (f instanceof Nil) return undefined;
    if (f instanceof Str) return f.value;
    return printForm(f);
  };
  const line = c.lineOf(form);
  if (items.length === 3) {
    const stmt = text(1);
    if (stmt !== undefined) parent.emit(stmt, line);
    const e = text(2);
    return e === undefined ? [] : [new Expr(e, "expr")];
  }
  const code = text(1);
  if (code === undefined) return [];
  if (opts.nval === 0 || opts.tail) {
    parent.emit(code, line);
    return opts.tail ? HANDLED : [];
  }
  return [new Expr("(" + code + ")", "expr")];
};

export const commentSpecial: SpecialFn = (form, _scope, parent, _opts, c) => {
  const text = form.items
    .slice(1)
    .map((f) => (f instanceof Str ? commentString(f.value) : printForm(f)))
    .join(" ")
    .replace(/\]\]/g, "]\\]");
  parent.emit(`--[[ ${text} ]]`, c.lineOf(form));
  // Like any statement special, a comment evaluates to nil.
  return [NIL];
};

/** A string as view shows it on one line, newlines kept: quoted, `"` and `\` escaped. */
function commentString(s: string): string {
  return '"' + s.replace(/[\\"]/g, (ch) => "\\" + ch) + '"';
}

export const docSpecial: SpecialFn = (form, scope, _parent, _opts, c) => {
  const name = form.items[1];
  if (!(name instanceof Sym)) return c.error(name ?? form, M.docsNeedSym());
  const n = name.name;
  const info = scope.lookup(n);
  const undocumented = "#<undocumented>";
  if (info?.doc !== undefined) {
    const doc = (info.doc.docstring ?? undocumented).replace(/\n$/, "").replace(/\n/g, "\n  ");
    return [new Expr(`print(${luaString(`(${[n, ...info.doc.arglist].join(" ")})\n  ${doc}`)})`, "call")];
  }
  if (info !== undefined || n.includes(".")) {
    const v = c.symbolExpr(name, scope).code;
    const fnText = luaString(`(${n} #<unknown-arguments>)\n  ${undocumented}`);
    return [new Expr(`print(((type(${v}) == "function") and ${fnText}) or ${luaString(`${n}\n  ${undocumented}`)})`, "call")];
  }
  if (c.specials.has(n) || c.findMacro(n, scope) !== undefined) {
    return [new Expr(`print(${luaString(`(${n} ...)\n  ${undocumented}`)})`, "call")];
  }
  if (c.isAllowedGlobal(n)) {
    const v = c.symbolExpr(name, scope).code;
    const fnText = luaString(`(${n} #<unknown-arguments>)\n  ${undocumented}`);
    return [new Expr(`print(((type(${v}) == "function") and ${fnText}) or ${luaString(`${n}\n  ${undocumented}`)})`, "call")];
  }
  return [new Expr(`print(${luaString(`${n} not found`)})`, "call")];
};
