// include: inline a module at compile time as a package.preload entry, so
// `(include :mod)` behaves like `(require :mod)` without the file at run time.
import { readFileSync } from "node:fs";
import { compileMessages as M } from "../diagnostics.js";
import type { SpecialFn } from "../compiler/compiler.js";
import { Expr } from "../compiler/expr.js";
import { luaString } from "../compiler/mangle.js";
import { Scope } from "../compiler/scope.js";
import { Str } from "../reader/forms.js";
import { readAll } from "../reader/reader.js";

const SEARCH = ["./?.fnl", "./?/init.fnl", "./?.lua", "./?/init.lua"];

export const includeSpecial: SpecialFn = (form, _scope, parent, _opts, c) => {
  const name = form.items[1];
  if (!(name instanceof Str)) return c.error(name ?? form, M.includeNeedsString());
  const mod = name.value;
  const read = c.options.readFile ?? ((p: string) => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return undefined;
    }
  });
  const rel = mod.replace(/\./g, "/");
  let path: string | undefined;
  let src: string | undefined;
  for (const t of SEARCH) {
    const candidate = t.replace("?", rel);
    src = read(candidate);
    if (src !== undefined) {
      path = candidate;
      break;
    }
  }
  if (path === undefined || src === undefined) return c.error(form, M.includeNotFound(mod));
  const line = c.lineOf(form);
  const key = luaString(mod);
  if (!c.included.has(mod)) {
    c.included.add(mod);
    parent.emit(`package.preload[${key}] = package.preload[${key}] or function(...)`, line);
    const body = parent.block();
    if (path.endsWith(".lua")) body.emit(src.replace(/\n+$/, ""), line);
    else {
      const forms = readAll(src, path.replace(/^\.\//, ""));
      const scope = new Scope(undefined, { fnBoundary: true, vararg: true });
      c.compileBody(forms, 0, scope, body, { tail: true }, form);
    }
    parent.emit("end", line);
  }
  return [new Expr(`require(${key})`, "call")];
};
