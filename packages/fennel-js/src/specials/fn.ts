// Function specials: fn (named, anonymous, multisym and method names,
// docstrings and metadata skipped, destructured params, `&` rest, `...`)
// and hashfn `#(...)` with `$ $1…$9 $...`.
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import { bindValue, declare } from "../compiler/destructure.js";
import type { Chunk } from "../compiler/emit.js";
import { Expr } from "../compiler/expr.js";
import { Scope } from "../compiler/scope.js";
import { List, Sequence, Str, Sym, Table, Varg, type Form } from "../reader/forms.js";
import { printForm } from "../reader/print.js";

export const fnSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  let i = 1;
  let name: Sym | undefined;
  if (items[1] instanceof Sym) {
    name = items[1];
    i = 2;
  }
  const params = items[i];
  if (!(params instanceof Sequence)) return c.error(params ?? form, M.fnParamsExpected());
  let bodyStart = i + 1;
  // A docstring or metadata table before more body forms has no runtime effect.
  if (items.length > bodyStart + 1 && (items[bodyStart] instanceof Str || items[bodyStart] instanceof Table)) {
    bodyStart++;
  }
  const line = c.lineOf(form);
  let luaName: string;
  let assign: string | undefined;
  let isMethod = false;
  if (name !== undefined && (name.name.indexOf(".") > 0 || name.name.indexOf(":") > 0)) {
    const colon = name.name.lastIndexOf(":");
    isMethod = colon > 0;
    const placeSym = isMethod ? new Sym(name.name.slice(0, colon) + "." + name.name.slice(colon + 1), name.pos) : name;
    assign = c.symbolExpr(placeSym, scope).code;
    luaName = assign;
  } else if (name !== undefined) {
    luaName = declare(name, scope, c, "local");
    const info = scope.locals.get(name.name);
    if (info !== undefined) info.doc = { arglist: params.items.map(printForm), docstring: docstringOf(items, i + 1) };
  } else {
    luaName = c.gensym(scope);
  }
  // A table-field name assigns in place (`t.f = function(…)`), as the reference does.
  const header = assign !== undefined ? `${assign} = function` : `local function ${luaName}`;
  emitFunction(c, scope, parent, header, params, items, bodyStart, form, isMethod);
  void line;
  return [new Expr(luaName, "sym")];
  void opts;
};

function docstringOf(items: Form[], at: number): string | undefined {
  if (items.length <= at + 1) return undefined;
  const f = items[at];
  if (f instanceof Str) return f.value;
  if (f instanceof Table) {
    for (const [k, v] of f.entries) if (k instanceof Str && k.value === "fnl/docstring" && v instanceof Str) return v.value;
  }
  return undefined;
}

/** Emit `header(params) body end`, binding params in a fresh function scope. */
export function emitFunction(
  c: Compiler,
  scope: Scope,
  parent: Chunk,
  header: string,
  params: Sequence,
  body: Form[],
  bodyStart: number,
  form: Form,
  isMethod = false,
): void {
  const line = c.lineOf(form);
  const fscope = new Scope(scope, { fnBoundary: true, vararg: false });
  const luaParams: string[] = [];
  if (isMethod) luaParams.push(fscope.declare("self"));
  const later: Array<[Form, string]> = [];
  const ps = params.items;
  for (let k = 0; k < ps.length; k++) {
    const p = ps[k]!;
    if (p instanceof Varg) {
      if (k !== ps.length - 1) return c.error(p, M.varargNotLast());
      fscope.vararg = true;
      luaParams.push("...");
    } else if (p instanceof Sym && p.name === "&") {
      const rest = ps[k + 1];
      if (rest === undefined || k + 2 !== ps.length) return c.error(p, M.restNotLast());
      fscope.vararg = true;
      luaParams.push("...");
      later.push([rest, "{...}"]);
      k++;
    } else if (p instanceof Sym) {
      luaParams.push(declare(p, fscope, c, "local"));
    } else if (p instanceof Sequence || p instanceof Table) {
      const tmp = c.gensym(fscope, "arg");
      luaParams.push(tmp);
      later.push([p, tmp]);
    } else {
      return c.error(p, M.badParam(printForm(p)));
    }
  }
  parent.emit(`${header}(${luaParams.join(", ")})`, line);
  const blk = parent.block();
  for (const [p, code] of later) bindValue(p, code, fscope, blk, c, "local");
  c.compileBody(body, bodyStart, fscope, blk, { tail: true }, form);
  parent.emit("end", line);
}

export const hashfnSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  const body = form.items[1];
  if (body === undefined || form.items.length !== 2) return c.error(form, M.expectedOneArg());
  const use = { max: 0, varg: false, bare: false };
  scanDollars(body, use);
  if (use.varg && use.max > 0) return c.error(form, M.hashfnVarargMixed());
  const line = c.lineOf(form);
  const fscope = new Scope(scope, { fnBoundary: true, vararg: use.varg });
  fscope.hashfn = true;
  const luaParams: string[] = [];
  for (let n = 1; n <= use.max; n++) luaParams.push(fscope.declare("$" + n));
  if (use.bare) {
    const first = fscope.locals.get("$1")!;
    fscope.setLocal("$", first);
  }
  if (use.varg) {
    luaParams.push("...");
    fscope.setLocal("$...", { lua: "...", isVar: false });
  }
  const fname = c.gensym(scope);
  parent.emit(`local function ${fname}(${luaParams.join(", ")})`, line);
  const blk = parent.block();
  c.compile(body, fscope, blk, { tail: true });
  parent.emit("end", line);
  return [new Expr(fname, "sym")];
};

function scanDollars(f: Form, use: { max: number; varg: boolean; bare: boolean }): void {
  if (f instanceof Sym) {
    const root = f.name === "$..." ? f.name : f.name.split(/[.:]/, 1)[0]!;
    if (root === "$") {
      use.bare = true;
      if (use.max < 1) use.max = 1;
    } else if (root === "$...") use.varg = true;
    else if (/^\$[1-9]$/.test(root)) use.max = Math.max(use.max, Number(root[1]));
  } else if (f instanceof List) {
    const h = f.items[0];
    if (h instanceof Sym && (h.name === "hashfn" || h.name === "quote")) return;
    for (const x of f.items) scanDollars(x, use);
  } else if (f instanceof Sequence) {
    for (const x of f.items) scanDollars(x, use);
  } else if (f instanceof Table) {
    for (const [k, v] of f.entries) {
      scanDollars(k, use);
      scanDollars(v, use);
    }
  }
}
