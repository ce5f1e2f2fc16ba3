// include: inline a module at compile time as a package.preload entry, so
// `(include :mod)` behaves like `(require :mod)` without the file at run time;
// and the requireAsInclude option, which treats `(require :mod)` so. A module
// name may be any expression the compiler can evaluate (with the module's own
// name and file as `...`); where it cannot, or the module is skipped or
// circular, require runs at run time instead.
import { readFileSync } from "node:fs";
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import type { Chunk } from "../compiler/emit.js";
import { Expr, one } from "../compiler/expr.js";
import { luaString } from "../compiler/mangle.js";
import { Scope } from "../compiler/scope.js";
import { FennelError } from "../errors.js";
import { List, Str, type Form } from "../reader/forms.js";
import { readAll } from "../reader/reader.js";
import { compileForCompileTime } from "./macros.js";

const FENNEL_PATH = ["./?.fnl", "./?/init.fnl"];
const LUA_PATH = ["./?.lua", "./?/init.lua"];

/** The module name `f` gives at compile time, or undefined when it cannot be known then. */
function moduleNameOf(c: Compiler, f: Form, scope: Scope): string | undefined {
  if (f instanceof Str) return f.value;
  try {
    const { env, code } = compileForCompileTime(c, [f], f, scope, { runtimeSemantics: true });
    return c.ct.stringValue(c.ct.run(env, code, `@${c.file}`, f, "include", [c.moduleName, c.file]));
  } catch (e) {
    if (e instanceof FennelError) return undefined;
    throw e;
  }
}

function reader(c: Compiler): (p: string) => string | undefined {
  return (
    c.options.readFile ??
    ((p: string) => {
      try {
        return readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    })
  );
}

function templates(path: string): string[] {
  return path.split(";").filter((t) => t !== "");
}

function find(read: (p: string) => string | undefined, mod: string, templates: string[]): { path: string; src: string } | undefined {
  const rel = mod.replace(/\./g, "/");
  for (const t of templates) {
    const path = t.replaceAll("?", rel);
    const src = read(path);
    if (src !== undefined) return { path, src };
  }
  return undefined;
}

/** `require(expr)` at run time: what include falls back to. */
function runtimeRequire(c: Compiler, arg: Form, scope: Scope, parent: Chunk): Expr[] {
  return [new Expr(`require(${one(c.compile1(arg, scope, parent))})`, "call")];
}

/**
 * Inline module `mod` (once per compile) and give `require(mod)`; undefined
 * when `fallback` is allowed and the module should be required at run time.
 */
function inline(c: Compiler, form: List, parent: Chunk, mod: string, fallback: boolean): Expr[] | undefined {
  if (fallback && (c.options.skipInclude ?? []).includes(mod)) return undefined;
  const key = luaString(mod);
  const line = c.lineOf(form);
  const state = c.included.get(mod);
  if (state === "loading") {
    if (fallback) return undefined;
    return c.error(form, M.circularInclude());
  }
  if (state === undefined) {
    const read = reader(c);
    const paths = c.options.includePath;
    const found = find(read, mod, paths ? templates(paths.fennel) : FENNEL_PATH) ?? find(read, mod, paths ? templates(paths.lua) : LUA_PATH);
    if (found === undefined) {
      if (fallback) return undefined;
      return c.error(form, M.includeNotFound(mod));
    }
    c.included.set(mod, "loading");
    parent.emit(`package.preload[${key}] = package.preload[${key}] or function(...)`, line);
    const body = parent.block();
    if (found.path.endsWith(".lua")) body.emit(found.src.replace(/[\r\n]+$/, ""), line);
    else c.compileIncluded(readAll(found.src, found.path.replace(/^\.\//, "")), found.src, mod, body, form);
    parent.emit("end", line);
    c.included.set(mod, "done");
  }
  return [new Expr(`require(${key})`, "call")];
}

export const includeSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  const arg = form.items[1];
  if (arg === undefined || form.items.length !== 2) return c.error(form, M.expectedOneArg());
  const mod = moduleNameOf(c, arg, scope);
  if (mod === undefined) return c.error(arg, M.includeNeedsString());
  return inline(c, form, parent, mod, false)!;
};

/** `(require x)` under requireAsInclude: inlined when x is known at compile time. */
export const requireAsInclude: SpecialFn = (form, scope, parent, _opts, c) => {
  const arg = form.items[1];
  if (arg === undefined || form.items.length !== 2) return [c.call(form, scope, parent)];
  const mod = moduleNameOf(c, arg, scope);
  return (mod !== undefined ? inline(c, form, parent, mod, true) : undefined) ?? runtimeRequire(c, arg, scope, parent);
};
