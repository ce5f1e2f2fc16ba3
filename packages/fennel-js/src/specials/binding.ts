// Binding specials: let, local, var, set, tset, global.
import { compileMessages as M } from "../diagnostics.js";
import type { SpecialFn } from "../compiler/compiler.js";
import { destructure, type BindMode } from "../compiler/destructure.js";
import { NIL, asPrefix, one } from "../compiler/expr.js";
import { isValidLuaIdentifier } from "../compiler/mangle.js";
import { Scope } from "../compiler/scope.js";
import { Nil, Sequence, Str, type Form } from "../reader/forms.js";

export const letSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  const bindings = items[1];
  if (!(bindings instanceof Sequence)) return c.error(bindings ?? form, M.expectedBindingTable("let"));
  if (bindings.items.length % 2 !== 0) return c.error(bindings, M.evenBindings("let"));
  if (items.length < 3) return c.error(form, M.expectedBody("let"));
  return c.statementForm(
    form,
    scope,
    parent,
    opts,
    (chunk, inner) => {
      const line = c.lineOf(form);
      chunk.emit("do", line);
      const blk = chunk.block();
      const s = new Scope(scope);
      const b = bindings.items;
      for (let i = 0; i < b.length; i += 2) destructure(b[i]!, b[i + 1]!, s, blk, c, "local", form);
      c.compileBody(items, 2, s, blk, inner, form);
      chunk.emit("end", line);
      if (c.plugins) c.hook("do", form, form, s);
    },
  );
};

function bindingSpecial(mode: BindMode): SpecialFn {
  return (form, scope, parent, opts, c) => {
    const items = form.items;
    if (items.length !== 3) return c.error(form, M.expectedNameAndValue());
    // A new local only makes sense as a statement or as a body's last form.
    if ((mode === "local" || mode === "var") && !(opts.nval === 0 || opts.tail)) {
      return c.error(form, M.cantIntroduce(mode));
    }
    const init: Form = items[2] ?? new Nil(form.pos);
    destructure(items[1]!, init, scope, parent, c, mode, form);
    void opts;
    return [NIL];
  };
}

export const localSpecial = bindingSpecial("local");
export const varSpecial = bindingSpecial("var");
export const setSpecial = bindingSpecial("set");
export const globalSpecial = bindingSpecial("global");
export const setForciblySpecial = bindingSpecial("force");

export const tsetSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  if (items.length < 4) return c.error(form, M.tsetArgs());
  const t = c.compile1(items[1]!, scope, parent);
  let place = asPrefix(t);
  for (let i = 2; i < items.length - 1; i++) {
    const k = items[i]!;
    if (k instanceof Str && isValidLuaIdentifier(k.value)) place += "." + k.value;
    else place += "[" + one(c.compile1(k, scope, parent)) + "]";
  }
  const v = c.compile1(items[items.length - 1]!, scope, parent);
  parent.emit(`${place} = ${v.code}`, c.lineOf(form));
  void opts;
  return [NIL];
};
