// Operator specials: arithmetic, `..`, comparisons (chained), and/or (short
// circuit kept even when operands need statements), not, length, bit ops.
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import { Chunk } from "../compiler/emit.js";
import { Expr, asPrefix, type Opts } from "../compiler/expr.js";
import type { Scope } from "../compiler/scope.js";
import type { List } from "../reader/forms.js";

function operand(e: Expr): string {
  return e.kind === "varg" ? "(...)" : e.code;
}

/** `(op a b c)` → `(a op b op c)`; zero and one-argument forms per op. */
function arithmetic(op: string, zero: string | undefined, unary: (x: string) => string): SpecialFn {
  return (form, scope, parent, _opts, c) => {
    const args = form.items;
    if (args.length === 1) {
      if (zero === undefined) return c.error(form, M.zeroArgs(op));
      return [new Expr(zero, "lit")];
    }
    const es = args.slice(1).map((a) => operand(c.compile1(a, scope, parent)));
    if (es.length === 1) return [new Expr(unary(es[0]!), "expr")];
    return [new Expr("(" + es.join(" " + op + " ") + ")", "expr")];
  };
}

export const arithmeticSpecials: Record<string, SpecialFn> = {
  "+": arithmetic("+", "0", (x) => x),
  "-": arithmetic("-", "0", (x) => "(- " + x + ")"),
  "*": arithmetic("*", "1", (x) => x),
  "/": arithmetic("/", "1", (x) => "(1 / " + x + ")"),
  "//": arithmetic("//", "1", (x) => "(1 // " + x + ")"),
  "%": arithmetic("%", undefined, (x) => x),
  "^": arithmetic("^", undefined, (x) => x),
  "..": arithmetic("..", '""', (x) => x),
  band: arithmetic("&", "-1", (x) => x),
  bor: arithmetic("|", "0", (x) => x),
  bxor: arithmetic("~", "0", (x) => x),
  lshift: arithmetic("<<", "1", (x) => "(1 << " + x + ")"),
  rshift: arithmetic(">>", "1", (x) => "(1 >> " + x + ")"),
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

/** and/or: a plain Lua expression, or nested ifs when an operand needs statements. */
function logical(op: "and" | "or"): SpecialFn {
  return (form: List, scope: Scope, parent: Chunk, _opts: Opts, c: Compiler) => {
    const args = form.items.slice(1);
    if (args.length === 0) return [new Expr(op === "and" ? "true" : "false", "lit")];
    const scratches: Chunk[] = [];
    const es: Expr[] = [];
    for (const a of args) {
      const ch = new Chunk();
      es.push(c.compile1(a, scope, ch));
      scratches.push(ch);
    }
    parent.append(scratches[0]!);
    if (es.length === 1) return [new Expr(operand(es[0]!), es[0]!.kind === "varg" ? "expr" : es[0]!.kind)];
    if (scratches.every((s, i) => i === 0 || s.isEmpty())) {
      return [new Expr("(" + es.map(operand).join(` ${op} `) + ")", "expr")];
    }
    const line = c.lineOf(form);
    const r = c.gensym(scope);
    parent.emit(`local ${r} = ${operand(es[0]!)}`, line);
    let chunk = parent;
    for (let i = 1; i < es.length; i++) {
      chunk.emit(op === "and" ? `if ${r} then` : `if not ${r} then`, line);
      const blk = chunk.block();
      blk.append(scratches[i]!);
      blk.emit(`${r} = ${operand(es[i]!)}`, line);
      chunk = blk;
    }
    closeIfs(parent, es.length - 1, line);
    return [new Expr(r, "sym")];
  };
}

function closeIfs(parent: Chunk, depth: number, line: number): void {
  // Each nested block's `end` goes into its parent block, innermost first.
  const chain: Chunk[] = [parent];
  let cur = parent;
  for (let i = 0; i < depth; i++) {
    const blk = cur.items[cur.items.length - 1] as Chunk;
    chain.push(blk);
    cur = blk;
  }
  for (let i = depth - 1; i >= 0; i--) chain[i]!.emit("end", line);
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
