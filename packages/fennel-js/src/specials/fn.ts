// Function specials: fn (named, anonymous, multisym and method names,
// docstrings and metadata skipped, destructured params, `&` rest, `...`)
// and hashfn `#(...)` with `$ $1…$9 $...`.
import { compileMessages as M } from "../diagnostics.js";
import { isMultiSym, type Compiler, type SpecialFn } from "../compiler/compiler.js";
import { bindValue, declare } from "../compiler/destructure.js";
import type { Chunk } from "../compiler/emit.js";
import { Expr } from "../compiler/expr.js";
import { luaString } from "../compiler/mangle.js";
import { Scope } from "../compiler/scope.js";
import { Bool, List, Nil, Num, Sequence, Str, Sym, Table, Varg, type Form } from "../reader/forms.js";
import { printForm, printString } from "../reader/print.js";

export const fnSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  const items = form.items;
  let i = 1;
  let name: Sym | undefined;
  if (items[1] instanceof Sym && items[1].name !== "nil") {
    name = items[1];
    i = 2;
  } else if (items[1] instanceof Nil) i = 2;
  const params = items[i];
  if (!(params instanceof Sequence)) return c.error(params ?? form, M.fnParamsExpected());
  const meta = functionMetadata(items, i);
  let luaName: string;
  let assign: string | undefined;
  if (name !== undefined && isMultiSym(name.name)) {
    if (name.name.includes(":")) return c.error(name, M.unexpectedMultisym(name.name));
    const root = name.name.split(".")[0]!;
    if (scope.lookup(root) === undefined && !c.isAllowedGlobal(root)) return c.error(name, M.expectedLocalTable(root));
    assign = c.symbolExpr(name, scope).code;
    luaName = assign;
  } else if (name !== undefined) {
    luaName = declare(name, scope, c, "local");
    const info = scope.locals.get(name.name);
    if (info !== undefined) info.doc = { arglist: params.items.map(printForm), docstring: meta.docstring };
  } else {
    luaName = c.gensym(scope);
  }
  // A table-field name assigns in place (`t.f = function(…)`), as the reference does.
  const header = assign !== undefined ? `${assign} = function` : `local function ${luaName}`;
  emitFunction(c, scope, parent, header, params, items, meta.bodyStart, form);
  if (c.options.useMetadata) emitMetadata(c, parent, luaName, params, meta, form);
  return [new Expr(luaName, "sym")];
};

interface FunctionMetadata {
  docstring?: string;
  table?: Table;
  /** Where the body starts, after the docstring and metadata table. */
  bodyStart: number;
}

/**
 * A docstring, then a metadata table, count as such only when a body form
 * follows them (else they are the body).
 */
function functionMetadata(items: Form[], paramsAt: number): FunctionMetadata {
  let at = paramsAt + 1;
  const meta: FunctionMetadata = { bodyStart: at };
  const doc = items[at];
  if (doc instanceof Str && at + 1 < items.length) {
    meta.docstring = doc.value;
    at++;
  }
  const table = items[at];
  if (table instanceof Table && table.entries.length > 0 && at + 1 < items.length) {
    meta.table = table;
    for (const [k, v] of table.entries) if (k instanceof Str && k.value === "fnl/docstring" && v instanceof Str) meta.docstring = v.value;
    at++;
  }
  meta.bodyStart = at;
  return meta;
}

/** The Lua literal for a metadata value, or undefined when it is not a literal. */
function literal(f: Form): string | undefined {
  if (f instanceof Str) return luaString(f.value);
  if (f instanceof Num) return f.text;
  if (f instanceof Bool) return String(f.value);
  if (f instanceof Nil) return "nil";
  if (f instanceof Sequence) {
    const parts = f.items.map(literal);
    return parts.includes(undefined) ? undefined : `{${parts.join(", ")}}`;
  }
  if (f instanceof Table) {
    const parts: string[] = [];
    for (const [k, v] of f.entries) {
      const kl = literal(k);
      const vl = literal(v);
      if (kl === undefined || vl === undefined) return undefined;
      parts.push(`[${kl}] = ${vl}`);
    }
    return `{${parts.join(", ")}}`;
  }
  return undefined;
}

/** `fennel.metadata:setall(f, "fnl/arglist", {…}, "fnl/docstring", …)` for useMetadata. */
function emitMetadata(c: Compiler, parent: Chunk, fname: string, params: Sequence, meta: FunctionMetadata, form: Form): void {
  const fields = new Map<string, string>();
  let arglist: Form[] = params.items;
  for (const [k, v] of meta.table?.entries ?? []) {
    if (!(k instanceof Str)) return c.error(form, M.metadataKey(printForm(k)));
    if (k.value === "fnl/arglist" && (v instanceof Sequence || v instanceof List)) {
      arglist = v.items;
      continue;
    }
    const lit = literal(v);
    if (lit === undefined) return c.error(form, M.metadataLiteral(printString(k.value), printForm(v)));
    fields.set(k.value, lit);
  }
  fields.set("fnl/arglist", `{${arglist.map((a) => luaString(printForm(a))).join(", ")}}`);
  if (meta.docstring !== undefined) fields.set("fnl/docstring", luaString(meta.docstring));
  const parts = [...fields.keys()].sort().map((k) => `${luaString(k)}, ${fields.get(k)}`);
  const target = c.options.useMetadata;
  if (typeof target === "string") {
    // A Lua expression naming the metadata table, as the compiler's own build gives it.
    parent.emit(`${target}:setall(${fname}, ${parts.join(", ")})`, c.lineOf(form));
    return;
  }
  const module = luaString(c.options.fennelModuleName ?? "fennel");
  parent.emit(`pcall(function() require(${module}).metadata:setall(${fname}, ${parts.join(", ")}) end)`, c.lineOf(form));
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
  // `end` on the form's last line: that is where Lua says the function ends (lastlinedefined).
  parent.emit("end", form.pos.endLine ?? line);
  if (c.plugins) c.hook("fn", form, form, fscope);
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
