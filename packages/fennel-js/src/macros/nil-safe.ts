// Nil-safe forms: `?.` lookups and the `-?>`/`-?>>` threading macros, which
// stop at the first nil (false keeps going, as in the reference).
import type { Form, List, Pos } from "../reader/forms.js";
import { asCall, L, Q, S, nilAt } from "./build.js";
import { fail, MSG } from "./messages.js";
import type { MacroContext, MacroFn } from "./types.js";

function notNil(p: Pos, x: Form): List {
  return L(p, S("not=", p), nilAt(p), x);
}

/**
 * `(?. t k1 k2)`: look up each key in turn, yielding nil once a step is nil.
 * With no table at all the reference fails to compile (its expansion is an
 * incomplete `var`), so this is a compile error at the call too.
 */
export const nilSafeDot: MacroFn = (form, ctx) => {
  const [, tbl, ...keys] = form.items;
  if (tbl === undefined) fail(ctx, form, MSG.nilSafeTable());
  const p = form.pos;
  const step = (cur: Form, i: number): Form => {
    if (i === keys.length) return cur;
    const t = ctx.gensym("t", p);
    const next = L(p, S(".", p), t, keys[i]!);
    return L(p, S("let", p), Q(p, t, cur), L(p, S("if", p), notNil(p, t), step(next, i + 1)));
  };
  return step(tbl, 0);
};

function nilSafeThread(form: List, ctx: MacroContext, last: boolean): Form {
  const [, val, ...steps] = form.items;
  if (val === undefined) return nilAt(form.pos);
  const p = form.pos;
  const go = (cur: Form, i: number): Form => {
    if (i === steps.length) return cur;
    const t = ctx.gensym("tmp", p);
    const call = asCall(steps[i]!);
    if (last) call.items.push(t);
    else call.items.splice(1, 0, t);
    return L(p, S("let", p), Q(p, t, cur), L(p, S("if", p), notNil(p, t), go(call, i + 1)));
  };
  return go(val, 0);
}

/** `(-?> x (f a) g)`: like `->`, but a nil value short-circuits to nil. */
export const nilSafeThreadFirst: MacroFn = (form, ctx) => nilSafeThread(form, ctx, false);

/** `(-?>> x (f a) g)`: like `->>`, but a nil value short-circuits to nil. */
export const nilSafeThreadLast: MacroFn = (form, ctx) => nilSafeThread(form, ctx, true);
