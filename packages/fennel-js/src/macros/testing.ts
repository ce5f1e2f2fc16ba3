// Test support for the macro unit tests: expand a call with a plain context
// and print forms back as Fennel text, or compile and run Fennel on a real
// Lua 5.4 VM and capture what it prints. Not used by the compiler.
import { LuaFactory } from "wasmoon";
import { compileString } from "../compile-string.js";
import { FennelError } from "../errors.js";
import { readAll } from "../reader/reader.js";
import { List, Sym, type Form } from "../reader/forms.js";
import { builtinMacros } from "./index.js";
import type { MacroContext } from "./types.js";

/** Fennel text for a form, with gensyms shown as written (`tbl_1_auto`). */
export function show(f: Form): string {
  switch (f.kind) {
    case "list":
      return `(${f.items.map(show).join(" ")})`;
    case "sequence":
      return `[${f.items.map(show).join(" ")}]`;
    case "table":
      return `{${f.entries.map(([k, v]) => `${show(k)} ${show(v)}`).join(" ")}}`;
    case "sym":
      return f.name;
    case "str":
      return JSON.stringify(f.value);
    case "num":
      return f.text;
    case "bool":
      return String(f.value);
    case "nil":
      return "nil";
    case "varg":
      return "...";
  }
}

export class MacroTestError extends Error {
  constructor(
    readonly reason: string,
    readonly hints: string[],
    readonly line: number,
  ) {
    super(reason);
  }
}

/** A context whose gensyms count from 1 and whose scope is `locals`. */
export function testContext(locals: string[] = []): MacroContext {
  let n = 0;
  return {
    gensym: (base = "g", pos) => new Sym(`${base}_${++n}_`, pos),
    error: (form, message, hints = []) => {
      throw new MacroTestError(message, hints, form.pos.line);
    },
    inScope: (name) => locals.includes(name),
    localNames: () => locals,
    vararg: false,
    options: {},
  };
}

/** Expand the single macro call in `source` once and show the result. */
export function expand(source: string, locals: string[] = []): string {
  const form = readAll(source, "test.fnl")[0];
  if (!(form instanceof List) || form.items[0]?.kind !== "sym") throw new Error("expected a macro call");
  const macro = builtinMacros.get(form.items[0].name);
  if (macro === undefined) throw new Error(`no macro ${form.items[0].name}`);
  return show(macro(form, testContext(locals)));
}

const PRINT_TO_HOST = `
local out, select, tostring, concat = __out, select, tostring, table.concat
__out = nil
print = function(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  out(concat(parts, "\\t"))
end`;

let factory: LuaFactory | undefined;

/** Compile Fennel, run it on a fresh Lua 5.4 VM and return what it printed. */
export async function runFennel(source: string, filename = "test.fnl"): Promise<string> {
  const { lua } = compileString(source, { filename });
  factory ??= new LuaFactory();
  const engine = await factory.createEngine();
  try {
    let out = "";
    engine.global.set("__out", (line: string) => {
      out += line + "\n";
    });
    engine.doStringSync(PRINT_TO_HOST);
    engine.doStringSync(lua);
    return out;
  } finally {
    engine.global.close();
  }
}

/** Compile Fennel that must fail, returning the FennelError it raised. */
export function compileError(source: string, filename = "test.fnl"): FennelError {
  try {
    compileString(source, { filename });
  } catch (e) {
    if (e instanceof FennelError) return e;
    throw e;
  }
  throw new Error(`expected a compile error from: ${source}`);
}
