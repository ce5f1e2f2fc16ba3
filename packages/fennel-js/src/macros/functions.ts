// Function-making macros: `partial`, `lambda`/`λ` (nil-checked arguments),
// and the deprecated `pick-args`.
import { List, Num, Sequence, Str, Sym, Table, Varg, type Form } from "../reader/forms.js";
import { isIdempotent, L, Q, S, strAt, nilAt } from "./build.js";
import { fail, MSG } from "./messages.js";
import type { MacroFn } from "./types.js";

/** `(partial f a b)` → `(fn [...] (f a b ...))`; non-trivial args are evaluated once, up front. */
export const partial: MacroFn = (form, ctx) => {
  const [, f, ...args] = form.items;
  if (f === undefined) fail(ctx, form, MSG.partialFn());
  const p = form.pos;
  const bindings: Form[] = [];
  const callArgs = args.map((a) => {
    if (isIdempotent(a)) return a;
    const g = ctx.gensym("arg", a.pos);
    bindings.push(g, a);
    return g;
  });
  const fn = L(p, S("fn", p), Q(p, new Varg(p)), L(p, f, ...callArgs, new Varg(p)));
  return bindings.length === 0 ? fn : L(p, S("let", p), Q(p, ...bindings), fn);
};

/** Does this argument name get a nil check? Not `?x`, `_x`, `&`, `&as` or `...`. */
function checked(name: string): boolean {
  return !name.startsWith("?") && !name.startsWith("_") && name !== "&" && name !== "&as" && name !== "...";
}

/**
 * `(lambda name? [args] doc? meta? body…)`: `fn` plus a runtime check that
 * every argument not named `?x`/`_x` is non-nil. Like the reference, checks
 * are stacked at one spot, so the last argument is checked first.
 */
export const lambda: MacroFn = (form, ctx) => {
  const head = form.items[0] as Sym;
  const args = form.items.slice(1);
  const hasName = args[0] instanceof Sym;
  const arglist = hasName ? args[1] : args[0];
  if (!(arglist instanceof Sequence)) fail(ctx, form, MSG.argList(head.name));
  let check = hasName ? 2 : 1;
  // A docstring or metadata table counts only when a body form follows it.
  if (args[check] instanceof Str && args.length > check + 1) check++;
  if (args[check] instanceof Table && args.length > check + 1) check++;
  const emptyBody = args.length <= check;
  const p = form.pos;
  const asserts: Form[] = [];
  const visit = (a: Form): void => {
    if (a instanceof Sequence || a instanceof List) a.items.forEach(visit);
    else if (a instanceof Table) a.entries.forEach(([, v]) => visit(v));
    else if (a instanceof Sym && checked(a.name)) {
      const where = `${a.pos.file}:${a.pos.line === 0 ? "?" : a.pos.line}`;
      // Raised at the caller's level, as the reference does: the caller passed nil.
      asserts.unshift(
        L(
          a.pos,
          S("if", a.pos),
          L(a.pos, S("=", a.pos), nilAt(a.pos), a),
          L(a.pos, S("_G.error", a.pos), strAt(`Missing argument ${a.name} on ${where}`, a.pos), new Num("2", 2, a.pos)),
        ),
      );
    }
  };
  arglist.items.forEach(visit);
  const out = [...args];
  out.splice(check, 0, ...asserts);
  if (emptyBody) out.push(nilAt(p));
  return L(p, S("fn", head.pos), ...out);
};

/** `(pick-args n f)` → `(fn [a b] (f a b))`; deprecated in the reference but still accepted. */
export const pickArgs: MacroFn = (form, ctx) => {
  const [, n, f] = form.items;
  if (!(n instanceof Num) || !Number.isInteger(n.value) || n.value < 0) fail(ctx, form, MSG.pickCount("pick-args"));
  if (f === undefined) fail(ctx, form, MSG.partialFn());
  const p = form.pos;
  const syms = Array.from({ length: n.value }, () => ctx.gensym("arg", p));
  return L(p, S("fn", p), Q(p, ...syms), L(p, f, ...syms));
};
