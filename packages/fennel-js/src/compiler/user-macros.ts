// User macros: compiling macro code for the compile-time VM, defining and
// calling macros there, and carrying forms across (Lua constructor calls
// in, JSON out). Macro modules for import-macros are found along macroPath.
import { readFileSync } from "node:fs";
import { compileMessages as M } from "../diagnostics.js";
import { Bool, List, Nil, Num, Sequence, Str, Sym, Table, Varg, type Form, type Pos } from "../reader/forms.js";
import { readAll } from "../reader/reader.js";
import { Compiler, type UserMacroRunner } from "./compiler.js";
import { Chunk, flatten } from "./emit.js";
import { macroVM, type MacroVM } from "./macro-vm.js";
import { COMPILER_SANDBOX_REMOVED } from "./macro-prelude.js";
import { luaString } from "./mangle.js";
import { Scope, type UserMacro } from "./scope.js";

let compileCount = 0;

type Json = string | number | boolean | null | { [k: string]: Json } | Json[];

/** The per-compile bridge to the compile-time VM. */
export class UserMacros implements UserMacroRunner {
  readonly vm: MacroVM;
  private readonly prefix: string;
  private next = 0;

  constructor(private readonly c: Compiler) {
    this.vm = macroVM();
    this.prefix = `c${++compileCount}:`;
    this.vm.run(`__fnl.file = ${luaString(c.file)}; __fnl.active = {}; __fnl.take_output()`);
  }

  /** Compile forms as compile-time code: a Lua chunk whose last form is returned. */
  compileForVM(forms: Form[], at: Form): string {
    // Strict globals as in the reference: macro code may use what the compile-time
    // environment defines (Lua's safe globals, the macro helpers, what it set itself).
    const ct = new Compiler(this.c.source, { ...this.c.options, allowedGlobals: this.vmGlobals() }, this.c.specials, this.c.builtinMacros);
    ct.compileTime = true;
    // Naming a global the compiler sandbox removed is an unknown identifier, as in the reference.
    for (const name of COMPILER_SANDBOX_REMOVED) ct.allowed?.delete(name);
    ct.userMacros = this;
    ct.curLine = this.c.curLine;
    const root = new Chunk();
    const scope = new Scope(undefined, { fnBoundary: true, vararg: true });
    ct.compileBody(forms, 0, scope, root, { tail: true }, at);
    return flatten(root).lua;
  }

  /** The compile-time VM's global names, mangled ones also by their Fennel names. */
  private vmGlobals(): string[] {
    const names = this.vm.run(
      `local t = {}\nfor k in pairs(_G) do if type(k) == "string" then t[#t + 1] = k\n` +
        `local r = k:match("^__fnl_global__(.*)$")\n` +
        `if r then t[#t + 1] = (r:gsub("_(%x%x)", function(h) return string.char(tonumber(h, 16)) end)) end end end\n` +
        `return table.concat(t, "\\n")`,
    );
    return names === null ? [] : names.split("\n");
  }

  /** Run compile-time Lua; a Lua or assert-compile error becomes a compile error at `at`. */
  run(body: string, at: Form, label: string): string | null {
    let res: string | null;
    try {
      res = this.vm.run(`return __fnl.run(function(...)\n${body}\nend)`);
    } catch (e) {
      this.c.error(at, M.macroFailed(label, e instanceof Error ? e.message : String(e)));
    }
    if (res !== null && res.startsWith('{"err":')) {
      const j = JSON.parse(res) as { err: string; l?: number };
      const where = j.l !== undefined ? new Sym("", { ...at.pos, line: j.l, col: 0 }) : at;
      this.c.error(where, j.l !== undefined ? j.err : M.macroFailed(label, j.err));
    }
    return res;
  }

  /** Define macro `name` from the compile-time expression `fnForm`. */
  define(name: string, fnForm: Form, at: Form): UserMacro {
    const key = this.prefix + ++this.next;
    const code = this.compileForVM([fnForm], at);
    this.run(
      `local f = (function(...)\n${code}\nend)()\n` +
        `if type(f) ~= "function" and not (type(f) == "table" and getmetatable(f) and getmetatable(f).__call) then error(${luaString(M.macroDefNotFn(name))}, 0) end\n` +
        `__fnl.macros[${luaString(key)}] = f; __fnl.active[${luaString(name)}] = f; return "ok"`,
      at,
      name,
    );
    return { kind: "user", ref: key, name };
  }

  /** Register every function of the table that `tableCode` evaluates to; returns the macros. */
  defineAll(tableExpr: string, at: Form, alias: string | undefined): UserMacro[] {
    const base = this.prefix + ++this.next + ":";
    const res = this.run(
      `local t = ${tableExpr}\nlocal names = {}\n` +
        `for k, v in pairs(t) do if type(k) == "string" then __fnl.macros[${luaString(base)} .. k] = v; ` +
        `__fnl.active[${alias === undefined ? "k" : luaString(alias + ".") + " .. k"}] = v; names[#names + 1] = k end end\n` +
        `table.sort(names)\nreturn __fnl.encode(__fnl.Q(table.unpack(names)))`,
      at,
      "macros",
    );
    const names = (JSON.parse(res ?? '{"Q":[]}') as { Q: string[] }).Q;
    return names.map((n) => ({ kind: "user" as const, ref: base + n, name: alias === undefined ? n : `${alias}.${n}` }));
  }

  /** Load a macro module (once per compile) and return a Lua expression for its table. */
  loadModule(modName: string, at: Form): string {
    const path = this.resolveModule(modName, at);
    const key = luaString(this.prefix + path);
    const check = this.vm.run(`return __fnl.loaded[${key}] and "yes" or "no"`);
    if (check !== "yes") {
      const src = this.readFile(path);
      if (src === undefined) this.c.error(at, M.macroNotFound(modName));
      const forms = readAll(src, path);
      const code = forms.length === 0 ? "return {}" : this.compileForVM(forms, at);
      this.run(`__fnl.loaded[${key}] = (function(...)\n${code}\nend)() or {}\nreturn "ok"`, at, modName);
    }
    return `__fnl.loaded[${key}]`;
  }

  private readFile(path: string): string | undefined {
    const rf = this.c.options.readFile;
    if (rf !== undefined) return rf(path);
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  }

  private resolveModule(modName: string, at: Form): string {
    const searchPath = this.c.options.macroPath ?? "./?.fnl;./?/init-macros.fnl;./?/init.fnl";
    const rel = modName.replace(/\./g, "/");
    for (const template of searchPath.split(";")) {
      const candidate = template.replace(/\?/g, rel);
      if (this.readFile(candidate) !== undefined) return candidate;
    }
    this.c.error(at, M.macroNotFound(modName));
  }

  expand(ref: string, form: List, scope: Scope, c: Compiler): Form {
    const names: string[] = [];
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      for (const n of s.locals.keys()) names.push(`[${luaString(n)}]=true`);
    }
    const args = form.items.slice(1).map(formToLua).join(", ");
    let res: string | null;
    const head = form.items[0] as Sym;
    try {
      res = this.vm.run(
        `__fnl.scope = {${names.join(",")}}\nreturn __fnl.call(${luaString(String(ref))}${args === "" ? "" : ", " + args})`,
      );
    } catch (e) {
      c.error(form, M.macroFailed(head.name, e instanceof Error ? e.message : String(e)));
    }
    if (res === null) return new Nil(form.pos);
    const j = JSON.parse(res) as Json;
    if (j !== null && typeof j === "object" && !Array.isArray(j) && typeof j.err === "string") {
      const where = typeof j.l === "number" ? new Sym("", { ...form.pos, line: j.l, col: 0 }) : form;
      c.error(where, j.lua === true ? M.macroFailed(head.name, j.err) : j.err);
    }
    return fromJson(j, form.pos);
  }

  /** Output printed by compile-time code so far. */
  takeOutput(): string {
    return this.vm.run("return __fnl.take_output()") ?? "";
  }
}

/** A form as Lua constructor code for the compile-time VM. */
export function formToLua(f: Form): string {
  if (f instanceof List) {
    const items = f.items.map(formToLua);
    return `__fnl.L(${f.pos.line}, ${f.pos.col}${items.length > 0 ? ", " + items.join(", ") : ""})`;
  }
  if (f instanceof Sym) return `__fnl.S(${luaString(f.name)}, ${f.pos.line}, ${f.pos.col})`;
  if (f instanceof Sequence) return `__fnl.Q(${f.items.map(formToLua).join(", ")})`;
  if (f instanceof Table) {
    return "{" + f.entries.map(([k, v]) => `[${formToLua(k)}] = ${formToLua(v)}`).join(", ") + "}";
  }
  if (f instanceof Str) return luaString(f.value);
  if (f instanceof Num) return f.text.startsWith("-") ? `(${f.text})` : f.text;
  if (f instanceof Bool) return f.value ? "true" : "false";
  if (f instanceof Nil) return "nil";
  if (f instanceof Varg) return "__fnl.V()";
  return "nil";
}

function posOf(j: { [k: string]: Json }, fallback: Pos): Pos {
  const l = j.l;
  if (typeof l !== "number" || l <= 0) return fallback;
  return { file: fallback.file, line: l, col: typeof j.c === "number" ? j.c : 0, offset: 0 };
}

/** A macro result (JSON from the VM) back to forms. */
export function fromJson(j: Json, pos: Pos): Form {
  if (typeof j === "string") return new Str(j, pos);
  if (typeof j === "boolean") return new Bool(j, pos);
  if (typeof j === "number") return new Num(String(j), j, pos);
  if (j === null || Array.isArray(j)) return new Nil(pos);
  if (typeof j.s === "string") return new Sym(j.s, posOf(j, pos));
  if (Array.isArray(j.L)) {
    const p = posOf(j, pos);
    return new List(j.L.map((x) => fromJson(x, p)), p);
  }
  if (Array.isArray(j.Q)) {
    const p = posOf(j, pos);
    return new Sequence(j.Q.map((x) => fromJson(x, p)), p);
  }
  if (Array.isArray(j.T)) {
    const entries = j.T.map((kv) => {
      const [k, v] = kv as [Json, Json];
      return [fromJson(k, pos), fromJson(v, pos)] as [Form, Form];
    });
    return new Table(entries, pos);
  }
  if (typeof j.n === "string") return new Num(j.n, Number(j.n), pos);
  if (j.v !== undefined) return new Varg(pos);
  return new Nil(pos);
}

/** The runner for `c`, created (and the VM started) on first use. */
export function userMacrosFor(c: Compiler): UserMacros {
  if (c.userMacros instanceof UserMacros) return c.userMacros;
  const um = new UserMacros(c);
  c.userMacros = um;
  return um;
}
