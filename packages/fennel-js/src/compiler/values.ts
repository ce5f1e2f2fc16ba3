// Static knowledge about how many values a form yields, used to avoid a
// wrapper function when an if/do in expression position yields one value.
import { List, Sym, Varg, type Form } from "../reader/forms.js";

/** True when `form` certainly yields one value (no call, no `...`). */
export function isSingleValued(form: Form): boolean {
  if (form instanceof List) {
    const h = form.items[0];
    return h instanceof Sym && SINGLE_VALUED_HEADS.has(h.name);
  }
  return !(form instanceof Varg);
}

const SINGLE_VALUED_HEADS = new Set([
  "+", "-", "*", "/", "//", "%", "^", "..", "<", ">", "<=", ">=", "=", "not=", "~=", "not",
  "length", "#", "and", "or", "band", "bor", "bxor", "bnot", "lshift", "rshift", "fn",
  "hashfn", "lambda", "λ", ".", "quote", "set", "tset",
]);
