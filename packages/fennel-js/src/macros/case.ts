// Pattern-matching macros: `case`/`match` (match pins locals in scope) and the
// chained `case-try`/`match-try`. Single patterns compile in pattern.ts.
import { List, Sym, Varg, type Form } from "../reader/forms.js";
import { isMultiSym, isSymNamed, L, nilAt, Q, S, trueAt } from "./build.js";
import { fail, MSG } from "./messages.js";
import { PatternCompiler, valueCount } from "./pattern.js";
import type { MacroContext, MacroFn } from "./types.js";

/** Build the `(if cond1 body1 cond2 body2 …)` chain for all clauses. */
function clauses(ctx: MacroContext, call: List, vals: Form[], pairs: Form[], isMatch: boolean): List {
  const compiler = new PatternCompiler(ctx, call);
  const root = L(pairs[0]!.pos, S("if", pairs[0]!.pos));
  let out = root;
  for (let i = 0; i < pairs.length; i += 2) {
    const pattern = pairs[i]!;
    const body = pairs[i + 1]!;
    const opts = { inferUnification: isMatch, legacyGuard: isMatch, multival: true, inWhere: false };
    const r = compiler.compile(vals, pattern, new Map(), opts, true);
    const p = pattern.pos;
    if (r.pre !== undefined) {
      // Later clauses nest inside the pre-binding so they stay in order.
      const tail = L(p, S("if", p));
      out.items.push(trueAt(p), L(p, S("let", p), Q(p, ...r.pre), tail));
      out = tail;
    }
    out.items.push(r.cond, r.bindings.length === 0 ? body : L(body.pos, S("let", p), Q(p, ...r.bindings), body));
  }
  return root;
}

function caseImpl(form: List, ctx: MacroContext, isMatch: boolean): Form {
  const name = (form.items[0] as Sym).name;
  const [, subject, ...pairs] = form.items;
  if (subject === undefined) fail(ctx, form, MSG.missingSubject(name));
  if (pairs.length % 2 !== 0) fail(ctx, form, MSG.evenPairs());
  if (pairs.length === 0) fail(ctx, form, MSG.atLeastOnePair());
  let count = 1;
  for (let i = 0; i < pairs.length; i += 2) count = Math.max(count, valueCount(pairs[i]!));
  if (count === 1 && subject instanceof Sym && !isMultiSym(subject)) return clauses(ctx, form, [subject], pairs, isMatch);
  const p = form.pos;
  const vals = Array.from({ length: count }, () => ctx.gensym("val", p));
  const binder = count === 1 ? vals[0]! : L(p, ...vals);
  return L(p, S("let", p), Q(p, binder, subject), clauses(ctx, form, vals, pairs, isMatch));
}

/** `(case x pattern body …)`: the first matching pattern's body, else nil. */
export const caseMacro: MacroFn = (form, ctx) => caseImpl(form, ctx, false);

/** `(match x pattern body …)`: like case, but locals in scope are compared, not rebound. */
export const matchMacro: MacroFn = (form, ctx) => caseImpl(form, ctx, true);

/**
 * `(case-try expr pat1 body1 pat2 body2 … (catch pat body …))`: each step's
 * values go to the next pattern; the first mismatch goes to `catch`, or is
 * returned as is when there is no catch. An empty `(case-try)` is nil, as in
 * the reference.
 */
function caseTryImpl(form: List, ctx: MacroContext, how: "case" | "match"): Form {
  const [, expr, ...steps] = form.items;
  if (expr === undefined) return nilAt(form.pos);
  const p = form.pos;
  const last = steps[steps.length - 1];
  let katch: Form[] = [S("_", p), new Varg(p)];
  if (last instanceof List && isSymNamed(last.items[0], "catch")) {
    steps.pop();
    katch = last.items.slice(1);
    if (katch.length % 2 !== 0) fail(ctx, form, MSG.everyCatchBody());
  }
  if (steps.length % 2 !== 0) fail(ctx, form, MSG.everyPatternBody());
  const step = (value: Form, i: number): Form => {
    if (i >= steps.length) return value;
    const sp = steps[i]!.pos;
    const matcher = L(sp, S(how, sp), new Varg(sp), steps[i]!, step(steps[i + 1]!, i + 2), ...katch);
    return L(sp, L(sp, S("fn", sp), Q(sp, new Varg(sp)), matcher), value);
  };
  return step(expr, 0);
}

export const caseTry: MacroFn = (form, ctx) => caseTryImpl(form, ctx, "case");
export const matchTry: MacroFn = (form, ctx) => caseTryImpl(form, ctx, "match");
