// Entry point of the compiler: Fennel source text in, Lua 5.4 text and a
// line map out. Throws FennelError (kind "parse" or "compile").
import type { CompileOptions, CompileResult } from "../types.js";

/** Compile a whole Fennel source string to a Lua chunk. */
export function compileString(source: string, options: CompileOptions = {}): CompileResult {
  void source;
  void options;
  throw new Error("compileString: not implemented yet");
}
