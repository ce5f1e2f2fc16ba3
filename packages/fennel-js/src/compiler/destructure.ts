// Destructuring: binding a pattern (symbol, `[a b & rest &as all]`,
// `{: a :b pat &as all}`, or multiple values `(a b)`) to a value, as new
// locals (local/var), assignments (set) or globals (global).
import { compileMessages as M } from "../diagnostics.js";
import { Bool, List, Nil, Num, Sequence, Str, Sym, Table, type Form } from "../reader/forms.js";
import { isMultiSym, type Compiler } from "./compiler.js";
import { Chunk } from "./emit.js";
import { asPrefix, joinExprs, one, type Expr } from "./expr.js";
import { isValidLuaIdentifier, luaString, mangleGlobal } from "./mangle.js";
import type { Scope } from "./scope.js";
import { printForm } from "../reader/print.js";

/** `force`: set-forcibly!, which sets any local, var or not. */
export type BindMode = "local" | "var" | "set" | "force" | "global";

/** Bind `pattern` to the value(s) of `init`, emitting into `parent`. */
export function destructure(...args: Parameters<typeof bind>): void {
  bind(...args);
  const [pattern, init, scope, , c, mode] = args;
  const declaration = mode === "local" || mode === "var";
  if (c.plugins) c.hook("destructure", pattern, init, pattern, scope, { flags: { declaration, forceset: mode === "force" } });
}

function bind(
  pattern: Form,
  init: Form,
  scope: Scope,
  parent: Chunk,
  c: Compiler,
  mode: BindMode,
  bindingForm?: Form,
): void {
  const line = c.lineOf(pattern);
  if (pattern instanceof Sym) {
    if (mode === "local" || mode === "var") {
      // As the reference lays it out: `local x = v` when the value is one
      // expression, else `local x` then the statements assigning x.
      checkLocalName(pattern, c, scope, bindingForm);
      const lua = scope.pickName(pattern.name);
      const seenBefore = c.referencedGlobals.has(pattern.name);
      if (pattern.attrib === "close") {
        c.compile(init, scope, parent, { nval: 1, target: `local ${lua} <close>` });
        scope.setLocal(pattern.name, { lua, isVar: false });
        return;
      }
      const scratch = new Chunk();
      c.compile(init, scope, scratch, { nval: 1, target: lua });
      // The value reads the global the new local is named after: Lua would see the local instead.
      if (!seenBefore && c.referencedGlobals.has(pattern.name) && lua === mangleGlobal(pattern.name, c.options.globalMangle !== false)) {
        c.error(bindingForm ?? pattern, M.aliasedGlobal(pattern.name));
      }
      const only = scratch.items.length === 1 ? scratch.items[0] : undefined;
      if (typeof only === "string" && only.startsWith(lua + " = ")) {
        parent.emit("local " + only, line);
      } else {
        parent.emit(`local ${lua}`, line);
        parent.append(scratch);
      }
      scope.setLocal(pattern.name, { lua, isVar: mode === "var" });
      return;
    }
    const lhs = target(pattern, scope, c, mode);
    c.compile(init, scope, parent, { nval: 1, target: lhs });
    return;
  }
  if (pattern instanceof List && isSymHead(pattern, ".") && (mode === "set" || mode === "force")) {
    const e = c.compile1(init, scope, parent);
    parent.emit(`${indexTarget(pattern, scope, parent, c)} = ${e.code}`, line);
    return;
  }
  if (pattern instanceof List) {
    const subs = pattern.items;
    if (subs.length === 0) c.error(pattern, M.atLeastOneValue());
    for (const sub of subs) if (sub instanceof List && !isSymHead(sub, ".")) c.error(sub, M.nestedMultiValue());
    const exprs = c.compile(init, scope, parent, { nval: subs.length });
    const rhs = exprs.length === 0 ? "nil" : joinExprs(exprs);
    const names: string[] = [];
    const later: Array<[Form, string]> = [];
    for (const sub of subs) {
      if (sub instanceof Sym && !isSpecialMarker(sub)) {
        names.push(mode === "local" || mode === "var" ? "" : target(sub, scope, c, mode));
      } else if (sub instanceof List && isSymHead(sub, ".") && (mode === "set" || mode === "force")) {
        names.push(indexTarget(sub, scope, parent, c));
      } else if (sub instanceof Sequence || sub instanceof Table) {
        const tmp = c.gensym(scope);
        names.push(tmp);
        later.push([sub, tmp]);
      } else {
        c.error(sub, M.badBinding(describe(sub)));
      }
    }
    // Declare new locals only after the value is compiled.
    if (mode === "local" || mode === "var") {
      subs.forEach((sub, i) => {
        if (names[i] === "") names[i] = declare(sub as Sym, scope, c, mode);
      });
      parent.emit(`local ${names.join(", ")} = ${rhs}`, line);
    } else if (later.length > 0) {
      parent.emit(`local ${later.map(([, t]) => t).join(", ")}`, line);
      parent.emit(`${names.join(", ")} = ${rhs}`, line);
    } else {
      parent.emit(`${names.join(", ")} = ${rhs}`, line);
    }
    for (const [sub, tmp] of later) bindValue(sub, tmp, scope, parent, c, mode);
    return;
  }
  if (pattern instanceof Sequence || pattern instanceof Table) {
    if ((pattern instanceof Table || hasAs(pattern)) && isLiteral(init)) c.error(pattern, M.destructureLiteral());
    const e = c.compile1(init, scope, parent);
    let code: string;
    if (e.kind === "sym" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.code)) code = e.code;
    else {
      code = c.gensym(scope);
      parent.emit(`local ${code} = ${one(e)}`, line);
    }
    bindValue(pattern, code, scope, parent, c, mode);
    return;
  }
  c.error(pattern, M.badBinding(describe(pattern)));
}

/** Bind `pattern` to the already-evaluated Lua expression `code`. */
export function bindValue(
  pattern: Form,
  code: string,
  scope: Scope,
  parent: Chunk,
  c: Compiler,
  mode: BindMode,
): void {
  const line = c.lineOf(pattern);
  if (pattern instanceof Sym) {
    if (mode === "local" || mode === "var") {
      parent.emit(`local ${declare(pattern, scope, c, mode)} = ${code}`, line);
    } else {
      parent.emit(`${target(pattern, scope, c, mode)} = ${code}`, line);
    }
    return;
  }
  if (pattern instanceof List && isSymHead(pattern, ".") && (mode === "set" || mode === "force")) {
    parent.emit(`${indexTarget(pattern, scope, parent, c)} = ${code}`, line);
    return;
  }
  if (pattern instanceof Sequence || pattern instanceof Table) {
    // Nested patterns index `code` several times: give it a name first.
    let base = code;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(code)) {
      base = c.gensym(scope);
      parent.emit(`local ${base} = ${code}`, line);
    }
    if (pattern instanceof Sequence) bindSequence(pattern, base, scope, parent, c, mode);
    else bindTable(pattern, base, scope, parent, c, mode);
    return;
  }
  c.error(pattern, M.badBinding(describe(pattern)));
}

function bindSequence(p: Sequence, base: string, scope: Scope, parent: Chunk, c: Compiler, mode: BindMode): void {
  const items = p.items;
  let index = 1;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it instanceof Sym && it.name === "&") {
      const rest = items[i + 1];
      if (rest === undefined) c.error(it, M.restNotLast());
      const after = items[i + 2];
      if (after !== undefined && !(after instanceof Sym && after.name === "&as")) c.error(it, M.restNotLast());
      // A table's __fennelrest metamethod, when it has one, gives its rest.
      const restOf =
        "(function (t, k) return ((getmetatable(t) or {}).__fennelrest or function (t, k) " +
        "return {(table.unpack or unpack)(t, k)} end)(t, k) end)";
      bindValue(rest, `${restOf}(${base}, ${index})`, scope, parent, c, mode);
      i++;
      continue;
    }
    if (it instanceof Sym && it.name === "&as") {
      const whole = items[i + 1];
      if (whole === undefined || items[i + 2] !== undefined) c.error(it, M.asNotLast());
      bindValue(whole, base, scope, parent, c, mode);
      i++;
      continue;
    }
    bindValue(it, `${base}[${index}]`, scope, parent, c, mode);
    index++;
  }
}

function bindTable(p: Table, base: string, scope: Scope, parent: Chunk, c: Compiler, mode: BindMode): void {
  const seenKeys: string[] = [];
  for (const [k, v] of p.entries) {
    if (k instanceof Sym && k.name === "&as") {
      bindValue(v, base, scope, parent, c, mode);
      continue;
    }
    if (k instanceof Sym && k.name === "&") {
      // `{:a a & rest}`: rest gets a copy without the string keys named before it.
      const excluded = seenKeys.map((key) => `[${luaString(key)}] = true`).join(", ");
      const copy =
        "(function(t, e) local rest = {} for k, v in pairs(t) do if not e[k] then rest[k] = v end end return rest end)" +
        `(${base}, {${excluded}})`;
      bindValue(v, copy, scope, parent, c, mode);
      continue;
    }
    if (k instanceof Str) seenKeys.push(k.value);
    let access: string;
    if (k instanceof Str) access = isValidLuaIdentifier(k.value) ? `${base}.${k.value}` : `${base}[${luaString(k.value)}]`;
    else {
      // As the reference: keys to destructure by are literals (or names of values), never calls.
      if (k instanceof List || k instanceof Table || k instanceof Sequence) c.error(k, M.keyNotLiteral());
      access = `${base}[${one(c.compile1(k, scope, parent))}]`;
    }
    bindValue(v, access, scope, parent, c, mode);
  }
}

function isSymHead(l: List, name: string): boolean {
  const h = l.items[0];
  return h instanceof Sym && h.name === name;
}

function isSpecialMarker(s: Sym): boolean {
  return s.name === "&" || s.name === "&as";
}

/** Declare a new local for `sym` (no multisyms). */
export function declare(sym: Sym, scope: Scope, c: Compiler, mode: BindMode): string {
  checkLocalName(sym, c, scope);
  return scope.declare(sym.name, mode === "var");
}

function checkLocalName(sym: Sym, c: Compiler, scope?: Scope, bindingForm?: Form): void {
  const name = sym.name;
  if (isSpecialMarker(sym)) c.error(sym, M.badBinding(name));
  c.checkBindingValid(sym, scope);
  // As the reference: a multisym local is an error of the whole binding form.
  if (isMultiSym(name)) c.error(bindingForm ?? sym, M.unexpectedMultisym(name));
}

/** A number, string, boolean or nil: nothing to destructure. */
function isLiteral(f: Form): boolean {
  return f instanceof Num || f instanceof Str || f instanceof Bool || f instanceof Nil;
}

function hasAs(p: Form): boolean {
  return p instanceof Sequence && p.items.some((x) => x instanceof Sym && x.name === "&as");
}

/** The assignable Lua place for `sym` under set/global. */
export function target(sym: Sym, scope: Scope, c: Compiler, mode: BindMode): string {
  const name = sym.name;
  if (mode === "global") {
    if (name.indexOf(".") >= 0 || name.indexOf(":") >= 0) c.error(sym, M.globalMultisym(name));
    if (c.specials.has(name)) c.error(sym, M.specialAsValue(name));
    const lua = mangleGlobal(name, c.options.globalMangle !== false);
    if (scope.lookup(name) !== undefined || scope.luaNameTaken(lua)) c.error(sym, M.globalConflicts(name));
    c.declareGlobal(name, lua);
    scope.reserveGlobal(lua);
    return lua;
  }
  if (name.indexOf(":") >= 0) c.error(sym, M.cannotSetMethod(name));
  if (name.indexOf(".") > 0) {
    const root = name.slice(0, name.indexOf("."));
    if (scope.lookup(root) === undefined && !c.isAllowedGlobal(root)) c.error(sym, M.expectedLocal(root));
    return c.symbolExpr(sym, scope).code;
  }
  const local = scope.lookup(name);
  if (local !== undefined) {
    if (!local.isVar && mode !== "force") c.error(sym, M.expectedVar(name));
    if (c.plugins) local.used = true;
    return local.lua;
  }
  // As the reference: set only changes vars and table fields, never globals.
  return c.error(sym, M.expectedLocal(name));
}

/** `(. t k1 k2)` as an assignable place. */
export function indexTarget(form: List, scope: Scope, parent: Chunk, c: Compiler): string {
  const items = form.items;
  if (!(items[1] instanceof Sym)) c.error(form, M.dynamicSetTarget());
  if (items.length < 3) c.error(form, M.dynamicSetNoKeys());
  const t: Expr = c.compile1(items[1]!, scope, parent);
  let code = asPrefix(t);
  for (let i = 2; i < items.length; i++) {
    const k = items[i]!;
    if (k instanceof Str && isValidLuaIdentifier(k.value)) code += "." + k.value;
    else code += "[" + one(c.compile1(k, scope, parent)) + "]";
  }
  return code;
}

/** A form as the reference names it in "unable to bind" messages: Lua type and text. */
export function describe(f: Form | undefined): string {
  if (f === undefined) return "nil";
  const type = f instanceof Str ? "string" : f.kind === "num" ? "number" : f.kind === "bool" ? "boolean" : f.kind === "nil" ? "nil" : "table";
  return `${type} ${f instanceof Str ? f.value : printForm(f)}`;
}
