// Macro specials: macro, macros, import-macros, require-macros,
// eval-compiler, macrodebug. They run code in the compile-time VM
// (user-macros.ts) and emit nothing at run time.
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import { Expr, NIL } from "../compiler/expr.js";
import { luaString } from "../compiler/mangle.js";
import type { Scope } from "../compiler/scope.js";
import { userMacrosFor } from "../compiler/user-macros.js";
import { List, Sequence, Str, Sym, Table, type Form } from "../reader/forms.js";
import { printForm } from "../reader/print.js";

export const macroSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const name = form.items[1];
  if (!(name instanceof Sym)) return c.error(name ?? form, M.wrongArity("macro", "a name, parameters and body"));
  const fnForm = new List([new Sym("fn", form.pos), ...form.items.slice(2)], form.pos);
  const um = userMacrosFor(c);
  scope.setMacro(name.name, um.define(name.name, fnForm, form));
  return done(c, form, parent, opts);
};

export const macrosSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const t = form.items[1];
  if (t === undefined) return c.error(form, M.wrongArity("macros", "a table of macros"));
  const um = userMacrosFor(c);
  const code = um.compileForVM([t], form);
  for (const m of um.defineAll(`(function(...)\n${code}\nend)()`, form, undefined)) scope.setMacro(m.name, m);
  return done(c, form, parent, opts);
};

function moduleName(f: Form | undefined, c: Compiler, at: Form): string {
  if (f instanceof Str) return f.value;
  if (f instanceof Sym) return f.name;
  return c.error(f ?? at, M.importMacrosArgs());
}

export const importMacrosSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  if (items.length < 3 || items.length % 2 === 0) return c.error(form, M.importMacrosArgs());
  const um = userMacrosFor(c);
  for (let i = 1; i < items.length; i += 2) {
    const binding = items[i]!;
    const mod = um.loadModule(moduleName(items[i + 1], c, form), form);
    if (binding instanceof Sym) {
      for (const m of um.defineAll(mod, form, binding.name)) scope.setMacro(m.name, m);
    } else if (binding instanceof Table) {
      const pairs = binding.entries.map(([k, v]) => {
        if (!(k instanceof Str) || !(v instanceof Sym)) return c.error(k, M.importMacrosArgs());
        return `{${luaString(k.value)}, ${luaString(v.name)}}`;
      });
      const picked = `(function() local m, out = ${mod}, {}\n` +
        `for _, p in ipairs({${pairs.join(", ")}}) do\n` +
        `  if m[p[1]] == nil then error("macro " .. p[1] .. " not found in module", 0) end\n` +
        `  out[p[2]] = m[p[1]] end\nreturn out end)()`;
      for (const m of um.defineAll(picked, form, undefined)) scope.setMacro(m.name, m);
    } else {
      return c.error(binding, M.importMacrosArgs());
    }
  }
  return done(c, form, parent, opts);
};

export const requireMacrosSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const um = userMacrosFor(c);
  const mod = um.loadModule(moduleName(form.items[1], c, form), form);
  for (const m of um.defineAll(mod, form, undefined)) scope.setMacro(m.name, m);
  return done(c, form, parent, opts);
};

export const evalCompilerSpecial: SpecialFn = (form, _scope, parent, opts, c) => {
  const um = userMacrosFor(c);
  const code = um.compileForVM(form.items.slice(1), form);
  // The value comes back as Lua text the way the reference splices it in: a
  // number or true as written by tostring, a string as raw Lua, anything else nil.
  const res = um.run(
    `local v = (function(...)\n${code}\nend)(...)\n` +
      `local t = type(v)\n` +
      `if t == "number" or t == "string" or v == true then return "=" .. tostring(v) end\n` +
      `return nil`,
    form,
    "eval-compiler",
  );
  if (res !== null && res.startsWith("=") && res.length > 1) return [new Expr(res.slice(1), "expr")];
  return done(c, form, parent, opts);
};

export const macrodebugSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const target = form.items[1];
  if (target === undefined) return c.error(form, M.wrongArity("macrodebug", "a form"));
  const text = printForm(expandDeep(target, scope, c));
  if (form.items[2] !== undefined) return [new Expr(luaString(text), "lit")];
  c.compileTimeOutput.push(text + "\n");
  return done(c, form, parent, opts);
};

function expandDeep(f: Form, scope: Scope, c: Compiler): Form {
  const e = c.macroexpandAll(f, scope);
  if (e instanceof List) {
    const h = e.items[0];
    if (h instanceof Sym && h.name === "quote") return e;
    return new List(e.items.map((x) => expandDeep(x, scope, c)), e.pos);
  }
  if (e instanceof Sequence) return new Sequence(e.items.map((x) => expandDeep(x, scope, c)), e.pos);
  if (e instanceof Table) return new Table(e.entries.map(([k, v]) => [expandDeep(k, scope, c), expandDeep(v, scope, c)]), e.pos);
  return e;
}

function done(c: Compiler, form: Form, parent: Parameters<SpecialFn>[2], opts: Parameters<SpecialFn>[3]) {
  void c;
  void form;
  void parent;
  void opts;
  return [NIL];
}
