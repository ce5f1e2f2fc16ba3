// Compiled expressions and compile options: what a form yields to its
// parent, and what the parent wants (how many values, tail, target).

/**
 * lit: literal; sym: a name; table: a constructor; expr: any other single
 * value; call: a call (many values, valid as a statement); varg: `...`.
 */
export type ExprKind = "lit" | "sym" | "table" | "expr" | "call" | "varg";

export class Expr {
  constructor(
    readonly code: string,
    readonly kind: ExprKind,
  ) {}
}

export interface Opts {
  /** How many values the parent wants; 0 = statement; undefined = all. */
  nval?: number;
  /** Emit `return …` (tail position). */
  tail?: boolean;
  /** Emit `target = …` (comma-separated Lua names). */
  target?: string;
}

/** Returned by a special that already emitted its own return/assignment. */
export const HANDLED: Expr[] = Object.freeze([]) as unknown as Expr[];

export const NIL = new Expr("nil", "lit");

/** True for expressions that may yield more than one value. */
export function isMulti(e: Expr): boolean {
  return e.kind === "call" || e.kind === "varg";
}

/** The code of `e` made safe to call or index (`("x"):len()`). */
export function asPrefix(e: Expr): string {
  return e.kind === "sym" || e.kind === "call" ? e.code : "(" + e.code + ")";
}

/** The code of `e` truncated to exactly one value. */
export function one(e: Expr): string {
  return isMulti(e) ? "(" + e.code + ")" : e.code;
}

export function joinExprs(es: Expr[]): string {
  if (es.length === 1) return es[0]!.code;
  let s = "";
  for (let i = 0; i < es.length; i++) s += (i > 0 ? ", " : "") + es[i]!.code;
  return s;
}
