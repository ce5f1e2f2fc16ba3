// The pattern compiler behind case/match: turns one pattern into a runtime
// condition plus the bindings its body sees. Clause assembly is in case.ts.
import { List, Nil, Sequence, Sym, Table, type Form, type Pos } from "../reader/forms.js";
import { andAll, isMultiSym, isSymNamed, L, multiSymRoot, numAt, Q, S, strAt, trueAt, nilAt } from "./build.js";
import { fail, MSG } from "./messages.js";
import type { MacroContext } from "./types.js";

export interface PatternOpts {
  /** match: symbols naming locals in scope compare instead of binding. */
  inferUnification: boolean;
  /** The pattern may be a multi-value list `(a b)` (top level only). */
  multival: boolean;
  /** Inside `(where …)`: `(= x)` pins are allowed. */
  inWhere: boolean;
  /** match accepts the old `(pattern ? guard)` form. */
  legacyGuard: boolean;
}

export interface PatternResult {
  /** True at runtime when the values match. */
  cond: Form;
  /** Flat `[name value name value …]` for the `let` around the body. */
  bindings: Form[];
  /** Only from `(where (or …))` with bindings: a `let` binding run before the test. */
  pre?: Form[];
}

/** `(= a b)` at `p`. */
function eq(p: Pos, a: Form, b: Form): List {
  return L(p, S("=", p), a, b);
}

export class PatternCompiler {
  /** `call` is the whole case/match form: structural errors point at it, like the reference. */
  constructor(
    private readonly ctx: MacroContext,
    private readonly call: Form,
  ) {}

  /** Compile `pattern` against `vals` (gensyms or a plain local). */
  compile(vals: Form[], pattern: Form, unif: Map<string, Form>, opts: PatternOpts, top: boolean): PatternResult {
    const val = vals[0] ?? new Nil(pattern.pos);
    const p = pattern.pos;
    if (pattern instanceof Sym) return this.symbol(val, pattern, unif, opts);
    if (pattern instanceof List) return this.list(vals, pattern, unif, opts, top);
    if (pattern instanceof Sequence || pattern instanceof Table) return this.table(val, pattern, unif, opts);
    return { cond: eq(p, val, pattern), bindings: [] };
  }

  private symbol(val: Form, pattern: Sym, unif: Map<string, Form>, opts: PatternOpts): PatternResult {
    const name = pattern.name;
    const p = pattern.pos;
    const multi = isMultiSym(pattern);
    if (opts.inferUnification && name !== "_") {
      const pinned = multi ? this.ctx.inScope(multiSymRoot(pattern)) : this.ctx.inScope(name);
      if (pinned) return { cond: eq(p, val, pattern), bindings: [] };
    }
    const seen = unif.get(name);
    if (seen !== undefined) return { cond: eq(p, seen, val), bindings: [] };
    if (multi) fail(this.ctx, pattern, MSG.multiSymPattern(name));
    const wildcard = name.startsWith("_");
    if (!wildcard) unif.set(name, val);
    const cond = wildcard || name.startsWith("?") ? trueAt(p) : L(p, S("not=", p), nilAt(p), val);
    return { cond, bindings: name === "_" ? [] : [pattern, val] };
  }

  private list(vals: Form[], pattern: List, unif: Map<string, Form>, opts: PatternOpts, top: boolean): PatternResult {
    const [head, second] = pattern.items;
    const p = pattern.pos;
    if (isSymNamed(head, "=")) {
      if (pattern.items.length !== 2) fail(this.ctx, pattern, MSG.pinArity());
      if (opts.inferUnification) fail(this.ctx, pattern, MSG.pinInMatch());
      if (!opts.inWhere) fail(this.ctx, pattern, MSG.pinOutsideWhere());
      if (!(second instanceof Sym)) fail(this.ctx, second ?? pattern, MSG.pinSymbol());
      return { cond: eq(p, vals[0] ?? new Nil(p), second), bindings: [] };
    }
    if (isSymNamed(head, "where")) {
      if (!top) fail(this.ctx, pattern, MSG.nestedWhere());
      const guards = pattern.items.slice(2);
      const inner = second ?? new Nil(p);
      const whereOpts = { ...opts, inWhere: true };
      if (inner instanceof List && isSymNamed(inner.items[0], "or")) {
        return this.or(vals, inner, guards, unif, whereOpts);
      }
      return this.guard(vals, inner, guards, unif, whereOpts);
    }
    if (isSymNamed(head, "or")) {
      if (!top) fail(this.ctx, pattern, MSG.nestedOr());
      fail(this.ctx, pattern, MSG.orOutsideWhere());
    }
    if (isSymNamed(second, "?")) {
      if (!opts.legacyGuard) fail(this.ctx, pattern, MSG.legacyGuard());
      return this.guard(vals, head!, pattern.items.slice(2), unif, opts);
    }
    if (!opts.multival) fail(this.ctx, pattern, MSG.nestedMultival());
    const conds: Form[] = [];
    const bindings: Form[] = [];
    const sub = { ...opts, multival: false };
    pattern.items.forEach((item, i) => {
      const r = this.compile([vals[i] ?? new Nil(item.pos)], item, unif, sub, false);
      conds.push(r.cond);
      bindings.push(...r.bindings);
    });
    return { cond: andAll(p, conds), bindings };
  }

  private table(val: Form, pattern: Sequence | Table, unif: Map<string, Form>, opts: PatternOpts): PatternResult {
    const p = pattern.pos;
    const conds: Form[] = [eq(p, L(p, S("_G.type", p), val), strAt("table", p))];
    const bindings: Form[] = [];
    const sub = { ...opts, multival: false };
    const element = (key: Form, pat: Form): void => {
      const r = this.compile([L(pat.pos, S(".", pat.pos), val, key)], pat, unif, sub, false);
      conds.push(r.cond);
      bindings.push(...r.bindings);
    };
    if (pattern instanceof Table) {
      for (const [key, pat] of pattern.entries) {
        if (isSymNamed(key, "&as")) bindings.push(pat, val);
        else element(key, pat);
      }
      return { cond: andAll(p, conds), bindings };
    }
    const items = pattern.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (isSymNamed(item, "&")) {
        const rest = items[i + 1];
        if (rest === undefined || i + 2 < items.length) fail(this.ctx, this.call, MSG.restLast());
        const restTable = Q(rest.pos, L(rest.pos, S("_G.select", rest.pos), numAt(i + 1, rest.pos), unpack(rest.pos, val)));
        if (rest instanceof Sym) {
          bindings.push(rest, restTable);
        } else {
          // Match the rest table itself: bind it once, test and destructure the binding.
          const g = this.ctx.gensym("rest", rest.pos);
          const r = this.compile([g], rest, unif, sub, false);
          conds.push(L(rest.pos, S("let", rest.pos), Q(rest.pos, g, restTable), r.cond));
          bindings.push(g, restTable, ...r.bindings);
        }
        i++;
      } else if (isSymNamed(item, "&as")) {
        const whole = items[i + 1];
        if (whole === undefined || i + 2 < items.length) fail(this.ctx, this.call, MSG.asLast());
        bindings.push(whole, val);
        i++;
      } else {
        element(numAt(i + 1, item.pos), item);
      }
    }
    return { cond: andAll(p, conds), bindings };
  }

  /** `pattern` plus guard expressions that see the pattern's bindings. */
  guard(vals: Form[], pattern: Form, guards: Form[], unif: Map<string, Form>, opts: PatternOpts): PatternResult {
    const r = this.compile(vals, pattern, unif, opts, false);
    if (guards.length === 0) return r;
    const p = pattern.pos;
    const test = andAll(p, guards);
    const guarded = r.bindings.length === 0 ? test : L(p, S("let", p), Q(p, ...r.bindings), test);
    return { cond: andAll(p, [r.cond, guarded]), bindings: r.bindings };
  }

  /** `(where (or p1 p2 …) guards…)`: any alternative; common names are bound via `pre`. */
  private or(vals: Form[], orForm: List, guards: Form[], unif: Map<string, Form>, opts: PatternOpts): PatternResult {
    const alts = orForm.items.slice(1);
    const p = orForm.pos;
    const names = this.namesInEvery(alts, opts.inferUnification);
    if (names.length === 0) {
      const any = L(p, S("or", p), ...alts.map((alt) => this.compile(vals, alt, unif, opts, false).cond));
      return { cond: andAll(p, [any, ...guards]), bindings: [] };
    }
    const matched = this.ctx.gensym("matched?", p);
    const mangled = names.map((n) => this.ctx.gensym(n.name.replace(/^[?_]+/, "") || "b", n.pos));
    const test = L(p, S("if", p));
    for (const alt of alts) {
      const r = this.guard(vals, alt, guards, new Map(), opts);
      const yes = L(p, S("values", p), trueAt(p), ...names);
      test.items.push(r.cond, r.bindings.length === 0 ? yes : L(p, S("let", p), Q(p, ...r.bindings), yes));
    }
    return {
      cond: matched,
      bindings: [L(p, ...names), L(p, S("values", p), ...mangled)],
      pre: [L(p, matched, ...mangled), test],
    };
  }

  /** Symbols bound by every alternative (excluding pinned locals under match). */
  private namesInEvery(alts: Form[], infer: boolean): Sym[] {
    let common: Map<string, Sym> | undefined;
    for (const alt of alts) {
      const here = symbolsIn(alt);
      if (common === undefined) common = here;
      else for (const k of [...common.keys()]) if (!here.has(k)) common.delete(k);
    }
    return [...(common ?? new Map<string, Sym>()).values()].filter((s) => !(infer && this.ctx.inScope(s.name)));
  }
}

const NOT_BINDERS = new Set(["or", "_", "&", "&as", "where", "?", "="]);

/** Every name a pattern could bind, by name. */
function symbolsIn(pattern: Form, out = new Map<string, Sym>()): Map<string, Sym> {
  if (pattern instanceof List) {
    const [head, second] = pattern.items;
    if (isSymNamed(head, "where") || isSymNamed(head, "=")) {
      if (second !== undefined) symbolsIn(second, out);
    } else if (isSymNamed(second, "?")) symbolsIn(head!, out);
    else pattern.items.forEach((i) => symbolsIn(i, out));
  } else if (pattern instanceof Sym) {
    if (!NOT_BINDERS.has(pattern.name) && !isMultiSym(pattern)) out.set(pattern.name, new Sym(pattern.name, pattern.pos));
  } else if (pattern instanceof Sequence) {
    pattern.items.forEach((i) => symbolsIn(i, out));
  } else if (pattern instanceof Table) {
    for (const [k, v] of pattern.entries) {
      symbolsIn(k, out);
      symbolsIn(v, out);
    }
  }
  return out;
}

/** How many values a top-level pattern destructures: `(a b c)` needs three. */
export function valueCount(pattern: Form): number {
  if (!(pattern instanceof List)) return 1;
  const [head, second] = pattern.items;
  if (isSymNamed(second, "?")) return valueCount(head!);
  if (isSymNamed(head, "where")) return second === undefined ? 1 : valueCount(second);
  if (isSymNamed(head, "or")) return Math.max(1, ...pattern.items.slice(1).map(valueCount));
  if (isSymNamed(head, "=")) return 1;
  return Math.max(1, pattern.items.length);
}

function unpack(p: Pos, val: Form): List {
  return L(p, S("_G.table.unpack", p), val);
}
