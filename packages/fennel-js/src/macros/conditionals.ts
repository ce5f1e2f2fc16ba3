// The `when` macro: a one-branch `if` whose body is an implicit `do`.
import { L, S } from "./build.js";
import { fail, MSG } from "./messages.js";
import type { MacroFn } from "./types.js";

/** `(when c a b)` → `(if c (do a b))` */
export const when: MacroFn = (form, ctx) => {
  const [head, cond, ...body] = form.items;
  if (cond === undefined || body.length === 0) fail(ctx, form, MSG.expectedBody("when"));
  const p = form.pos;
  return L(p, S("if", head!.pos), cond, L(p, S("do", p), ...body));
};
