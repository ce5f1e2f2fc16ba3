// The threading macros `->` and `->>`: splice each value into the next form,
// first or last. The nil-safe variants live in nil-safe.ts.
import { Nil, type Form, type List } from "../reader/forms.js";
import { asCall } from "./build.js";
import type { MacroFn } from "./types.js";

function thread(form: List, last: boolean): Form {
  const [, first, ...steps] = form.items;
  let x: Form = first!;
  for (const step of steps) {
    const call = asCall(step);
    if (last) call.items.push(x);
    else call.items.splice(1, 0, x);
    x = call;
  }
  return x;
}

/** `(-> x (f a) g)` → `(g (f x a))`; `(->)` is nil, as in the reference. */
export const threadFirst: MacroFn = (form) => (form.items.length < 2 ? new Nil(form.pos) : thread(form, false));

/** `(->> x (f a) g)` → `(g (f a x))` */
export const threadLast: MacroFn = (form) => (form.items.length < 2 ? new Nil(form.pos) : thread(form, true));
