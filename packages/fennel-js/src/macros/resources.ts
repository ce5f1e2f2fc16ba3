// Macros around a value's lifetime: `with-open` (close handles even on
// error, then re-raise), `doto` (call forms on one value, return it) and
// `assert-repl` (an `assert` that opens a REPL where it fails).
import { Bool, Sequence, Sym, Table, Varg, type Form } from "../reader/forms.js";
import { asCall, isIdempotent, L, nilAt, numAt, Q, S, strAt } from "./build.js";
import { fail, MSG } from "./messages.js";
import type { MacroFn } from "./types.js";

/**
 * `(with-open [f (io.open p)] body…)` → bind, run the body under pcall, close
 * every handle in reverse order, then return the body's values or re-raise
 * its error unchanged (level 0, so no second position prefix).
 */
export const withOpen: MacroFn = (form, ctx) => {
  const [, bindings, ...body] = form.items;
  if (!(bindings instanceof Sequence)) fail(ctx, form, MSG.withOpenBindings());
  const names: Sym[] = [];
  for (let i = 0; i < bindings.items.length; i += 2) {
    const b = bindings.items[i]!;
    if (!(b instanceof Sym)) fail(ctx, form, MSG.withOpenSyms());
    names.push(b);
  }
  const p = form.pos;
  // With to-be-closed locals, Lua itself closes each value when the block ends.
  if (ctx.options.toBeClosed) {
    for (const n of names) n.attrib = "close";
    return L(p, S("let", p), bindings, ...body);
  }
  const closer = ctx.gensym("close-handlers", p);
  const ok = ctx.gensym("ok", p);
  const closes = names.reverse().map((n) => L(n.pos, S(":", n.pos), n, strAt("close", n.pos)));
  const reraise = L(p, S("_G.error", p), new Varg(p), numAt(0, p));
  const closerFn = L(
    p,
    S("fn", p),
    closer,
    Q(p, ok, new Varg(p)),
    ...closes,
    L(p, S("if", p), ok, new Varg(p), reraise),
  );
  // Where `...` is available the body gets it as its own.
  const bodyFn = L(p, S("fn", p), ctx.vararg ? Q(p, new Varg(p)) : Q(p), ...body);
  const call = ctx.vararg ? L(p, S("_G.pcall", p), bodyFn, new Varg(p)) : L(p, S("_G.pcall", p), bodyFn);
  return L(p, S("let", p), bindings, closerFn, L(p, closer, call));
};

/** `(doto x (f a) g)` → `(let [t x] (f t a) (g t) t)` */
export const doto: MacroFn = (form, ctx) => {
  const [, subject, ...steps] = form.items;
  if (subject === undefined) fail(ctx, form, MSG.dotoSubject());
  const p = form.pos;
  const target: Form = isIdempotent(subject) && subject instanceof Sym ? subject : ctx.gensym("doto", p);
  const calls = steps.map((step) => {
    const call = asCall(step);
    call.items.splice(1, 0, target);
    return call;
  });
  if (target === subject) return L(p, S("do", p), ...calls, target);
  return L(p, S("let", p), Q(p, target, subject), ...calls, target);
};

/**
 * `(assert-repl cond msg …)`: like `assert`, but where the condition fails, a
 * REPL opens (fennel.repl) with the locals in scope as its globals; what its
 * `,return` gives is asserted in place. Every value passes through on success.
 */
export const assertRepl: MacroFn = (form, ctx) => {
  const [head, condition, ...rest] = form.items;
  const p = form.pos;
  if (condition === undefined) ctx.error(form, "expected condition", ["writing (assert-repl condition \"message\")."]);
  const g = (base: string): Sym => ctx.gensym(base, p);
  const [unpack, vals, cond, msg, opts, fennel, locals, k, v] = [
    g("unpack"), g("vals"), g("condition"), g("message"), g("opts"), g("fennel"), g("locals"), g("k"), g("v"),
  ];
  const localTable = new Table(
    ctx.localNames().filter((n) => !n.startsWith("$")).map((n) => [strAt(n, p), S(n, p)] as [Form, Form]),
    p,
  );
  void head;
  return L(p, S("let", p),
    Q(p,
      unpack, L(p, S("or", p), S("table.unpack", p), S("_G.unpack", p)),
      vals, L(p, S("table.pack", p), condition!, ...rest),
      cond, L(p, S(".", p), vals, numAt(1, p)),
      msg, L(p, S("or", p), L(p, S(".", p), vals, numAt(2, p)), strAt("assertion failed, entering repl.", p))),
    L(p, S("if", p), L(p, S("not", p), cond),
      L(p, S("let", p),
        Q(p, opts, new Table([[strAt("assert-repl?", p), new Bool(true, p)]], p),
          fennel, L(p, S("require", p), strAt(ctx.options.fennelModuleName ?? "fennel", p)),
          locals, localTable),
        L(p, S("set", p), S(`${opts.name}.message`, p), L(p, S(`${fennel.name}.traceback`, p), msg)),
        L(p, S("each", p), Q(p, k, v, L(p, S("pairs", p), S("_G", p))),
          L(p, S("when", p), L(p, S("=", p), nilAt(p), L(p, S(".", p), locals, k)), L(p, S("tset", p), locals, k, v))),
        L(p, S("set", p), S(`${opts.name}.env`, p), locals),
        L(p, S("_G.assert", p), L(p, S(`${fennel.name}.repl`, p), opts))),
      L(p, S("values", p), L(p, unpack, vals, numAt(1, p), S(`${vals.name}.n`, p)))));
};
