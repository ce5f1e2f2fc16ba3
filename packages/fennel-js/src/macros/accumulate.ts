// Folds: `accumulate` over an iterator and `faccumulate` over a numeric
// range, with one accumulator or several written as `(a b)`.
import { List, Sequence, type Form } from "../reader/forms.js";
import { L, Q, S } from "./build.js";
import { fail, MSG } from "./messages.js";
import type { MacroContext, MacroFn } from "./types.js";

function accumulateImpl(form: List, ctx: MacroContext, how: "each" | "for"): Form {
  const name = how === "each" ? "accumulate" : "faccumulate";
  const [, bindings, body, ...extra] = form.items;
  if (!(bindings instanceof Sequence) || bindings.items.length < 4) fail(ctx, form, MSG.accumulateTable(name));
  if (body === undefined) fail(ctx, form, MSG.bodyExpr());
  if (extra.length > 0) fail(ctx, form, MSG.oneBody());
  const p = form.pos;
  const [acc, init, ...iter] = bindings.items as [Form, Form, ...Form[]];
  const result = acc instanceof List ? L(p, S("values", p), ...acc.items) : acc;
  return L(
    p,
    S("do", p),
    L(p, S("var", p), acc, init),
    L(p, S(how, p), Q(p, ...iter), L(p, S("set", p), acc, body)),
    result,
  );
}

/** `(accumulate [sum 0 _ n (ipairs t)] (+ sum n))` → the final accumulator. */
export const accumulate: MacroFn = (form, ctx) => accumulateImpl(form, ctx, "each");

/** `(faccumulate [n 0 i 1 5] (+ n i))`: accumulate over a `for` range. */
export const faccumulate: MacroFn = (form, ctx) => accumulateImpl(form, ctx, "for");
