// Table comprehensions: `collect` (key/value), `icollect` (sequence from an
// iterator) and `fcollect` (sequence from a numeric range), with `&into`.
import { List, Sequence, Str, Sym, Table, type Form, type Pos } from "../reader/forms.js";
import { L, numAt, Q, S, nilAt } from "./build.js";
import { fail, MSG } from "./messages.js";
import type { MacroContext, MacroFn } from "./types.js";

interface Into {
  /** The `&into` target, or undefined when the results go in a fresh table. */
  into: Form | undefined;
  /** The binding table without its `&into` clause, ready for `each`/`for`. */
  iter: Sequence;
}

/** Split an `&into x` (or legacy `:into x`) clause out of a binding table. */
function extractInto(form: List, bindings: Sequence, ctx: MacroContext): Into {
  const items = bindings.items.slice();
  let into: Form | undefined;
  for (let i = items.length - 2; i >= 1; i--) {
    const item = items[i]!;
    const isInto = (item instanceof Sym && item.name === "&into") || (item instanceof Str && item.value === "into");
    if (!isInto) continue;
    if (into !== undefined) fail(ctx, form, MSG.oneInto());
    into = items[i + 1];
    items.splice(i, 2);
    if (!(into instanceof Sym || into instanceof Table || into instanceof Sequence || into instanceof List)) {
      fail(ctx, form, MSG.intoTarget());
    }
  }
  return { into, iter: new Sequence(items, bindings.pos) };
}

function notNil(p: Pos, x: Form): List {
  return L(p, S("not=", p), nilAt(p), x);
}

/** `(collect [k v (pairs t)] key value)` → a table of the non-nil pairs. */
export const collect: MacroFn = (form, ctx) => {
  const [, bindings, keyExpr, valueExpr, ...extra] = form.items;
  if (!(bindings instanceof Sequence) || bindings.items.length < 2) fail(ctx, form, MSG.iteratorTable("collect"));
  if (keyExpr === undefined) fail(ctx, form, MSG.keyValueExpr());
  if (extra.length > 0) fail(ctx, form, MSG.collectBodies());
  if (valueExpr === undefined && !(keyExpr instanceof List)) fail(ctx, form, MSG.needKeyAndValue());
  const p = form.pos;
  const { into, iter } = extractInto(form, bindings, ctx);
  const kv = valueExpr === undefined ? keyExpr : L(p, S("values", p), keyExpr, valueExpr);
  const tbl = ctx.gensym("tbl", p);
  const k = ctx.gensym("k", p);
  const v = ctx.gensym("v", p);
  const insert = L(
    p,
    S("if", p),
    L(p, S("and", p), notNil(p, k), notNil(p, v)),
    L(p, S("tset", p), tbl, k, v),
  );
  return L(
    p,
    S("let", p),
    Q(p, tbl, into ?? new Table([], p)),
    L(p, S("each", p), iter, L(p, S("let", p), Q(p, L(p, k, v), kv), insert)),
    tbl,
  );
};

/** Shared by icollect and fcollect: run `how` (each/for) and append non-nil values. */
function seqCollect(form: List, ctx: MacroContext, how: "each" | "for", iterTbl: Sequence): Form {
  const [, , valueExpr, ...extra] = form.items;
  if (valueExpr === undefined) fail(ctx, form, MSG.valueExpr());
  if (extra.length > 0) fail(ctx, form, MSG.oneBody());
  const p = form.pos;
  const { into, iter } = extractInto(form, iterTbl, ctx);
  const tbl = ctx.gensym("tbl", p);
  const val = ctx.gensym("val", p);
  if (into !== undefined) {
    const append = L(p, S("tset", p), tbl, L(p, S("+", p), L(p, S("length", p), tbl), numAt(1, p)), val);
    const body = L(p, S("let", p), Q(p, val, valueExpr), L(p, S("if", p), notNil(p, val), append));
    return L(p, S("let", p), Q(p, tbl, into), L(p, S(how, p), iter, body), tbl);
  }
  const i = ctx.gensym("i", p);
  const append = L(
    p,
    S("do", p),
    L(p, S("set", p), i, L(p, S("+", p), i, numAt(1, p))),
    L(p, S("tset", p), tbl, i, val),
  );
  const body = L(p, S("let", p), Q(p, val, valueExpr), L(p, S("if", p), notNil(p, val), append));
  return L(
    p,
    S("let", p),
    Q(p, tbl, Q(p)),
    L(p, S("var", p), i, numAt(0, p)),
    L(p, S(how, p), iter, body),
    tbl,
  );
}

/** `(icollect [_ v (ipairs t)] expr)` → a sequence of the non-nil results. */
export const icollect: MacroFn = (form, ctx) => {
  const bindings = form.items[1];
  if (!(bindings instanceof Sequence) || bindings.items.length < 2) fail(ctx, form, MSG.iteratorTable("icollect"));
  return seqCollect(form, ctx, "each", bindings);
};

/** `(fcollect [i 1 10 2] expr)` → a sequence of the non-nil results over a range. */
export const fcollect: MacroFn = (form, ctx) => {
  const bindings = form.items[1];
  if (!(bindings instanceof Sequence) || bindings.items.length < 3) fail(ctx, form, MSG.rangeTable("fcollect"));
  return seqCollect(form, ctx, "for", bindings);
};
