// Operator specials: arithmetic, `..`, comparisons (chained), and/or (short
// circuit kept even when operands need statements), not, length, bit ops.
// Each operand is one value; a trailing `(values …)` spreads into operands.
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import { Chunk } from "../compiler/emit.js";
import { Expr, asPrefix, one, type Opts } from "../compiler/expr.js";
import type { Scope } from "../compiler/scope.js";
import { List, Num, Sequence, Sym, Table, Varg, type Form } from "../reader/forms.js";

/** The operand forms of `form`: its arguments, a trailing `(values …)` spread. */
function operandForms(form: List): Form[] {
  let items = form.items.slice(1);
  for (;;) {
    const last = items[items.length - 1];
    if (!(last instanceof List) || !(last.items[0] instanceof Sym) || last.items[0].name !== "values") return items;
    items = [...items.slice(0, -1), ...last.items.slice(1)];
  }
}

/** One operand: the form's first value, as Lua code. */
function operand(c: Compiler, f: Form, scope: Scope, parent: Chunk): string {
  return one(c.compile1(f, scope, parent));
}

/** `(op a b c)` → `(a op b op c)`; zero and one operand per the operator. */
function arithmetic(op: string, zero: string | undefined, unaryPrefix: string | undefined): SpecialFn {
  return (form, scope, parent, _opts, c) => {
    if (form.items.length === 2 && form.items[1] instanceof Varg) return c.error(form, M.varargOperator());
    const es = operandForms(form).map((f) => operand(c, f, scope, parent));
    return [operatorResult(c, form, es, ` ${op} `, zero, unaryPrefix)];
  };
}

function operatorResult(c: Compiler, form: List, es: string[], padded: string, zero: string | undefined, unaryPrefix: string | undefined): Expr {
  if (es.length === 0) {
    if (zero === undefined) return c.error(form, M.zeroArgs());
    return new Expr(zero, "lit");
  }
  if (es.length === 1) return unaryPrefix === undefined ? new Expr(es[0]!, "expr") : new Expr(`(${unaryPrefix}${padded}${es[0]})`, "expr");
  return new Expr("(" + es.join(padded) + ")", "expr");
}

/** Bit operators: Lua 5.3 operators, or the `bit` library with the useBitLib option. */
function bitop(native: string, lib: string, zero: string | undefined, unaryPrefix: string): SpecialFn {
  return (form, scope, parent, _opts, c) => {
    const args = form.items;
    if (args.length === 1) {
      if (zero === undefined) return c.error(form, M.zeroArgs());
      return [new Expr(zero, "lit")];
    }
    const es: string[] = [];
    for (let i = 1; i < args.length; i++) {
      const sub = c.compile(args[i]!, scope, parent, i === args.length - 1 ? {} : { nval: 1 });
      for (const e of sub) es.push(e.kind === "varg" ? "..." : e.code);
    }
    const useLib = c.options.useBitLib === true;
    if (es.length === 1) {
      return [new Expr(useLib ? `bit.${lib}(${unaryPrefix}, ${es[0]})` : `(${unaryPrefix} ${native} ${es[0]})`, "expr")];
    }
    return [new Expr(useLib ? `bit.${lib}(${es.join(", ")})` : "(" + es.join(` ${native} `) + ")", "expr")];
  };
}

export const arithmeticSpecials: Record<string, SpecialFn> = {
  "+": arithmetic("+", "0", "0"),
  "..": arithmetic("..", "''", undefined),
  "^": arithmetic("^", undefined, undefined),
  "-": arithmetic("-", undefined, ""),
  "*": arithmetic("*", "1", "1"),
  "%": arithmetic("%", undefined, undefined),
  "/": arithmetic("/", undefined, "1"),
  "//": arithmetic("//", undefined, "1"),
  lshift: bitop("<<", "lshift", undefined, "1"),
  rshift: bitop(">>", "rshift", undefined, "1"),
  band: bitop("&", "band", "-1", "-1"),
  bor: bitop("|", "bor", "0", "0"),
  bxor: bitop("~", "bxor", "0", "0"),
};

/** A form whose value can be computed twice or not at all without changing anything. */
function idempotent(f: Form): boolean {
  if (f instanceof Sym) return !/[.:]/.test(f.name) || f.name === "..";
  return !(f instanceof List || f instanceof Sequence || f instanceof Table || f instanceof Varg);
}

/** Chained comparison: `(< a b c)` → `((a < b) and (b < c))`, middle operands bound once. */
function comparison(op: string, chain: "and" | "or"): SpecialFn {
  return (form, scope, parent, _opts, c) => {
    const args = form.items.slice(1);
    if (args.length < 2) return c.error(form, M.atLeastTwoArgs());
    if (args.length === 2) {
      const l = operand(c, args[0]!, scope, parent);
      const r = operand(c, args[1]!, scope, parent);
      return [new Expr(`(${l} ${op} ${r})`, "expr")];
    }
    const vals: string[] = [];
    const left: string[] = [];
    const right: string[] = [];
    args.forEach((a, i) => {
      const code = operand(c, a, scope, parent);
      if (idempotent(a) || i === 0 || i === args.length - 1) vals.push(code);
      else {
        const tmp = c.gensym(scope);
        left.push(tmp);
        right.push(code);
        vals.push(tmp);
      }
    });
    if (left.length > 0) parent.emit(`local ${left.join(", ")} = ${right.join(", ")}`, c.lineOf(form));
    const parts: string[] = [];
    for (let i = 0; i < vals.length - 1; i++) parts.push(`(${vals[i]} ${op} ${vals[i + 1]})`);
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

const UNSAFE_SPECIALS = new Set(["fn", "hashfn", "let", "local", "var", "set", "tset", "if", "each", "for", "while", "do", "lua", "global"]);
const COMPARATORS = new Set(["<", ">", "<=", ">=", "=", "not=", "~="]);

/**
 * Can `f` be compiled as a plain operand of and/or without running anything
 * that should be skipped? Statement-like specials, macro calls, comparisons
 * that bind temporaries and method calls on computed targets cannot.
 */
function shortCircuitSafe(f: Form, scope: Scope, c: Compiler): boolean {
  if (f instanceof Table) return f.entries.every(([k, v]) => shortCircuitSafe(k, scope, c) && shortCircuitSafe(v, scope, c));
  if (f instanceof Sequence) return f.items.every((x) => shortCircuitSafe(x, scope, c));
  if (!(f instanceof List)) return true;
  const head = f.items[0];
  if (head instanceof Sym && scope.lookup(head.name) === undefined) {
    const name = head.name;
    if (UNSAFE_SPECIALS.has(name)) return false;
    if (COMPARATORS.has(name) && f.items.length > 3 && !f.items.slice(2, -1).every(idempotent)) return false;
    if (name === "pick-values" && !(f.items[1] instanceof Num && f.items[1].value === 1)) return false;
    if (c.findMacro(name, scope) !== undefined) return false;
    if (name === ":" && f.items[1] !== undefined && !idempotent(f.items[1])) return false;
    return f.items.slice(1).every((x) => shortCircuitSafe(x, scope, c));
  }
  return f.items.every((x) => shortCircuitSafe(x, scope, c));
}

/**
 * and/or: operands in order; one that is not safe to evaluate as an operand
 * runs inside `if` on an accumulator, so it runs only when reached.
 */
function logical(op: "and" | "or"): SpecialFn {
  return (form: List, scope: Scope, parent: Chunk, _opts: Opts, c: Compiler) => {
    if (form.items.length === 2 && form.items[1] instanceof Varg) return c.error(form, M.varargOperator());
    const padded = ` ${op} `;
    const subs = operandForms(form);
    // One operand is the operand itself, every value of it, as in the reference: (and (f)) is f().
    if (subs.length === 1) return c.compileAll(subs[0]!, scope, parent);
    let operands: string[] = [];
    let acc: string | undefined;
    for (const sub of subs) {
      if (operands.length > 0 && !shortCircuitSafe(sub, scope, c)) {
        const soFar = operands.join(padded);
        const line = c.lineOf(form);
        if (acc === undefined) {
          acc = c.gensym(scope, op);
          parent.emit(`local ${acc} = ${soFar}`, line);
        } else if (soFar !== acc) parent.emit(`${acc} = ${soFar}`, line);
        parent.emit(`if ${op === "and" ? acc : "not " + acc} then`, line);
        c.compile(sub, scope, parent.block(), { nval: 1, target: acc });
        parent.emit("end", line);
        operands = [acc];
      } else operands.push(operand(c, sub, scope, parent));
    }
    return [operatorResult(c, form, operands, padded, op === "and" ? "true" : "false", undefined)];
  };
}

export const logicSpecials: Record<string, SpecialFn> = {
  and: logical("and"),
  or: logical("or"),
  not: (form, scope, parent, _opts, c) => {
    if (form.items.length !== 2) return c.error(form, M.expectedOneArg());
    return [new Expr("not " + operand(c, form.items[1]!, scope, parent), "expr")];
  },
  bnot: (form, scope, parent, _opts, c) => {
    if (form.items.length !== 2) return c.error(form, M.expectedOneArg());
    const v = operand(c, form.items[1]!, scope, parent);
    return [new Expr(c.options.useBitLib === true ? `bit.bnot(${v})` : `~(${v})`, "expr")];
  },
};

export const lengthSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  if (form.items.length !== 2) return c.error(form, M.expectedOneArg());
  return [new Expr("#" + operand(c, form.items[1]!, scope, parent), "expr")];
};

export { asPrefix };
