// Entry point of the compiler: Fennel source text in, Lua 5.4 text and a
// line map out. Throws FennelError (kind "parse" or "compile").
import { builtinMacros } from "../macros/index.js";
import { readAll } from "../reader/reader.js";
import { specials } from "../specials/index.js";
import type { CompileOptions, CompileResult } from "../types.js";
import { Compiler } from "./compiler.js";
import { Chunk, flatten } from "./emit.js";
import { luaString } from "./mangle.js";
import { Scope } from "./scope.js";
import { UserMacros } from "./user-macros.js";

/** Compile a whole Fennel source string to a Lua chunk. */
export function compileString(source: string, options: CompileOptions = {}): CompileResult {
  const file = options.filename ?? "unknown";
  const forms = readAll(source, file);
  const c = new Compiler(source, options, specials, builtinMacros);
  const root = new Chunk();
  const scope = new Scope(undefined, { fnBoundary: true, vararg: true });
  if (forms.length > 0) {
    const fake = forms[0]!;
    c.compileBody(forms, 0, scope, root, { tail: true }, fake);
  }
  const out = c.compileTimeOutput;
  if (c.userMacros instanceof UserMacros) {
    const printed = c.userMacros.takeOutput();
    if (printed !== "") out.push(printed);
  }
  if (out.length > 0) {
    const text = out.join("").replace(/\n$/, "");
    root.prepend(`print(${luaString(text)})`, 1);
  }
  const { lua, lines } = flatten(root);
  return { lua, sourceMap: { file, lines } };
}
