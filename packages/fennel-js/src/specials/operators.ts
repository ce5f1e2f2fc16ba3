// Operator specials: arithmetic, `..`, comparisons (chained), and/or (short
// circuit kept even when operands need statements), not, length, bit ops.
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import { Chunk } from "../compiler/emit.js";
import { Expr, asPrefix, type Opts } from "../compiler/expr.js";
import type { Scope } from "../compiler/scope.js";
import { List, Sequence, Sym, Varg, type Form } from "../reader/forms.js";

function operand(e: Expr): string {
  return e.kind === "varg" ? "(...)" : e.code;
}

/**
 * Compile operands as the reference does: each with all values wanted (so
 * an if/let operand becomes a local function called in place), keeping the
 * first; for bit operators all but the last are truncated to one value.
 */
function operands(form: List, scope: Scope, parent: Chunk, c: Compiler, allMulti: boolean): string[] {
  const args = form.items;
  const out: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const opts: Opts = allMulti || i === args.length - 1 ? {} : { nval: 1 };
    const es = c.compile(args[i]!, scope, parent, opts);
    out.push(es.length === 0 ? "nil" : operand(es[0]!));
  }
  return out;
}

/** `(op a b c)` → `(a op b op c)`; zero and one-argument forms per op. */
function arithmetic(op: string, zero: string | undefined, unary: ((x: string) => string) | undefined, bit = false): SpecialFn {
  return (form, scope, parent, _opts, c) => {
    const args = form.items;
    if (args.length === 1) {
      if (zero === undefined) return c.error(form, M.zeroArgs());
      return [new Expr(zero, "lit")];
    }
    if (args.length === 2 && args[1] instanceof Varg && !bit) return c.error(form, M.varargOperator());
    const es = operands(form, scope, parent, c, !bit);
    if (es.length === 1) return [new Expr(unary === undefined ? es[0]! : unary(es[0]!), "expr")];
    return [new Expr("(" + es.join(" " + op + " ") + ")", "expr")];
  };
}

export const arithmeticSpecials: Record<string, SpecialFn> = {
  "+": arithmetic("+", "0", undefined),
  "-": arithmetic("-", undefined, (x) => "(- " + x + ")"),
  "*": arithmetic("*", "1", undefined),
  "/": arithmetic("/", undefined, (x) => "(1 / " + x + ")"),
  "//": arithmetic("//", undefined, (x) => "(1 // " + x + ")"),
  "%": arithmetic("%", undefined, undefined),
  "^": arithmetic("^", undefined, undefined),
  "..": arithmetic("..", '""', undefined),
  band: arithmetic("&", "-1", (x) => "(-1 & " + x + ")", true),
  bor: arithmetic("|", "0", (x) => "(0 | " + x + ")", true),
  bxor: arithmetic("~", "0", (x) => "(0 ~ " + x + ")", true),
  lshift: arithmetic("<<", undefined, (x) => "(1 << " + x + ")", true),
  rshift: arithmetic(">>", undefined, (x) => "(1 >> " + x + ")", true),
};

/** Chained comparison: `(< a b c)` → `((a < b) and (b < c))`. */
function comparison(op: string, chain: "and" | "or"): SpecialFn {
  return (form, scope, parent, _opts, c) => {
    const args = form.items.slice(1);
    if (args.length < 2) return c.error(form, M.wrongArity(form.items[0]!.kind === "sym" ? op : op, "at least two arguments"));
    const es: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const e = c.compile1(args[i]!, scope, parent);
      if (i > 0 && i < args.length - 1 && e.kind !== "lit" && e.kind !== "sym") {
        const tmp = c.gensym(scope);
        parent.emit(`local ${tmp} = ${operand(e)}`, c.lineOf(form));
        es.push(tmp);
      } else es.push(operand(e));
    }
    if (es.length === 2) return [new Expr(`(${es[0]} ${op} ${es[1]})`, "expr")];
    const parts: string[] = [];
    for (let i = 0; i < es.length - 1; i++) parts.push(`(${es[i]} ${op} ${es[i + 1]})`);
    return [new Expr("(" + parts.join(` ${chain} `) + ")", "expr")];
  };
}

export const comparisonSpecials: Record<string, SpecialFn> = {
  "<": comparison("<", "and"),
  ">": comparison(">", "and"),
  "<=": comparison("<=", "and"),
  ">=": comparison(">=", "and"),
  "=": comparison("==", "and"),
  "not=": comparison("~=", "or"),
  "~=": comparison("~=", "or"),
};

/**
 * and/or as the reference compiles them: operands that are macro calls or
 * set/tset/global run inside a function called in place, so they only run
 * when reached; if/let/do operands become local functions for the same reason.
 */
function logical(op: "and" | "or"): SpecialFn {
  return (form: List, scope: Scope, parent: Chunk, _opts: Opts, c: Compiler) => {
    const args = form.items;
    if (args.length === 1) return [new Expr(op === "and" ? "true" : "false", "lit")];
    const out: string[] = [];
    for (let i = 1; i < args.length; i++) {
      const f = i > 1 ? protectShortCircuit(args[i]!, scope, c) : args[i]!;
      const es = c.compile(f, scope, parent, {});
      out.push(es.length === 0 ? "nil" : operand(es[0]!));
    }
    if (out.length === 1) return [new Expr(out[0]!, "expr")];
    return [new Expr("(" + out.join(` ${op} `) + ")", "expr")];
  };
}

function protectShortCircuit(f: Form, scope: Scope, c: Compiler): Form {
  if (!(f instanceof List)) return f;
  const h = f.items[0];
  if (!(h instanceof Sym) || scope.lookup(h.name) !== undefined) return f;
  if (c.findMacro(h.name, scope) === undefined && h.name !== "set" && h.name !== "tset" && h.name !== "global") return f;
  const fn = new List([new Sym("fn", f.pos), new Sequence([new Varg(f.pos)], f.pos), f], f.pos);
  return new List(scope.vararg ? [fn, new Varg(f.pos)] : [fn], f.pos);
}

export const logicSpecials: Record<string, SpecialFn> = {
  and: logical("and"),
  or: logical("or"),
  not: (form, scope, parent, _opts, c) => {
    if (form.items.length !== 2) return c.error(form, M.wrongArity("not", "one argument"));
    return [new Expr("(not " + operand(c.compile1(form.items[1]!, scope, parent)) + ")", "expr")];
  },
  bnot: (form, scope, parent, _opts, c) => {
    if (form.items.length !== 2) return c.error(form, M.wrongArity("bnot", "one argument"));
    return [new Expr("(~ " + operand(c.compile1(form.items[1]!, scope, parent)) + ")", "expr")];
  },
};

export const lengthSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  if (form.items.length !== 2) return c.error(form, M.wrongArity("length", "one argument"));
  const e = c.compile1(form.items[1]!, scope, parent);
  const code = e.kind === "sym" || e.kind === "call" || e.kind === "table" ? e.code : "(" + e.code + ")";
  return [new Expr("#" + code, "expr")];
};

export { asPrefix };
