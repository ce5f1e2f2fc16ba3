// Small form-building helpers shared by the built-in macros: every form
// they create carries the position of the source form it came from.
import { Bool, List, Nil, Num, Sequence, Str, Sym, type Form, type Pos } from "../reader/forms.js";

/** A list at `pos`: `L(pos, S("if", pos), a, b)`. */
export function L(pos: Pos, ...items: Form[]): List {
  return new List(items, pos);
}

/** A sequence (`[...]`) at `pos`. */
export function Q(pos: Pos, ...items: Form[]): Sequence {
  return new Sequence(items, pos);
}

/** A symbol at `pos`. */
export function S(name: string, pos: Pos): Sym {
  return new Sym(name, pos);
}

export function strAt(value: string, pos: Pos): Str {
  return new Str(value, pos);
}

/** An integer literal at `pos`. */
export function numAt(n: number, pos: Pos): Num {
  return new Num(String(n), n, pos);
}

export function nilAt(pos: Pos): Nil {
  return new Nil(pos);
}

export function trueAt(pos: Pos): Bool {
  return new Bool(true, pos);
}

/** A shallow copy of a list, so macros never mutate the forms they were given. */
export function copyList(l: List): List {
  return new List(l.items.slice(), l.pos);
}

/** `(head args…)` as a fresh list: a list is copied, anything else becomes `(x)`. */
export function asCall(f: Form): List {
  return f instanceof List ? copyList(f) : new List([f], f.pos);
}

/** `a.b` or `a:b`: a symbol naming a field rather than a local. */
export function isMultiSym(f: Form): boolean {
  if (!(f instanceof Sym)) return false;
  const n = f.name;
  if (n === "." || n === ".." || n === "..." || n === ":" || n === "?.") return false;
  return /[^.:][.:]./.test(n);
}

/** The local a multisym starts from: `a` in `a.b.c`. */
export function multiSymRoot(s: Sym): string {
  const m = /^[^.:]+/.exec(s.name);
  return m ? m[0] : s.name;
}

/** Safe to evaluate more than once: a literal or a plain (non-multi) symbol. */
export function isIdempotent(f: Form): boolean {
  if (f instanceof Sym) return !isMultiSym(f);
  return f.kind === "str" || f.kind === "num" || f.kind === "bool" || f.kind === "nil";
}

/** Is `f` the symbol `name`? */
export function isSymNamed(f: Form | undefined, name: string): f is Sym {
  return f instanceof Sym && f.name === name;
}

/** `(and a b …)` without the wrapper when there is only one operand. */
export function andAll(pos: Pos, conds: Form[]): Form {
  const kept = conds.filter((c) => !(c instanceof Bool && c.value));
  if (kept.length === 0) return trueAt(pos);
  if (kept.length === 1) return kept[0]!;
  return L(pos, S("and", pos), ...kept);
}
