// Table access specials: `.` (nested lookup) and `:` (method call with a
// computed or literal method name).
import { compileMessages as M } from "../diagnostics.js";
import type { SpecialFn } from "../compiler/compiler.js";
import { Expr, asPrefix, one } from "../compiler/expr.js";
import { isValidLuaIdentifier } from "../compiler/mangle.js";
import { Str } from "../reader/forms.js";

export const dotSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  const items = form.items;
  if (items.length < 2) return c.error(form, M.dotArgs());
  const t = c.compile1(items[1]!, scope, parent);
  if (items.length === 2) return [t];
  let code = asPrefix(t);
  for (let i = 2; i < items.length; i++) {
    const k = items[i]!;
    if (k instanceof Str && isValidLuaIdentifier(k.value)) code += "." + k.value;
    else {
      const ke = c.compile1(k, scope, parent);
      code += "[" + one(ke) + "]";
    }
  }
  return [new Expr(code, "sym")];
};

export const colonSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  const items = form.items;
  if (items.length < 3) return c.error(form, M.atLeastTwoArgs());
  const obj = c.compile1(items[1]!, scope, parent);
  const m = items[2]!;
  if (m instanceof Str) {
    const args = c.compileArgs(items, scope, parent, 3);
    return [c.methodCallCode(obj, m.value, args, scope, parent, form)];
  }
  const me = c.compile1(m, scope, parent);
  const args = c.compileArgs(items, scope, parent, 3);
  const rest = args.map((a) => ", " + a.code).join("");
  if (obj.kind !== "sym") {
    return [new Expr(`(function(tgt, m, ...) return tgt[m](tgt, ...) end)(${one(obj)}, ${one(me)}${rest})`, "call")];
  }
  return [new Expr(`${obj.code}[${one(me)}](${obj.code}${rest})`, "call")];
};
