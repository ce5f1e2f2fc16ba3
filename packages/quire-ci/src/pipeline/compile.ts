// The bridge to the Fennel compiler: compile ci.fnl to a Lua chunk with its
// line map (the VM runs it), and turn a compiler error into a positioned Diagnostic.
import type { Diagnostic } from "../errors.js";

/** A compiled chunk as fennel-js's compileString returns it: Lua and its line map. */
export interface CompiledChunk {
  lua: string;
  /** `lines[luaLine] = fennelLine`. */
  sourceMap: { file: string; lines: Array<number | undefined> };
}

export type CompileFn = (source: string, filename: string) => CompiledChunk;

/** Most milliseconds ci.fnl's compile-time code (macros, eval-compiler) may run. */
export const COMPILE_LIMIT_MS = 20_000;

/** Where a repository keeps the Fennel modules its pipeline requires (and macros it imports). */
export const LIB_DIR = ".quire/lib";

/** Globals a pipeline may use besides Lua's own. */
export const PIPELINE_GLOBALS = ["runtime", "fennel"];

/** The default compiler: fennel-js, loaded on first use. */
export async function fennelCompiler(): Promise<CompileFn> {
  const { compileString, warmUp } = await import("fennel-js");
  // Macros in ci.fnl run on fennel-js's Lua engine, which must be loaded first.
  await warmUp();
  return (source, filename) => {
    const result = compileString(source, { filename, allowedGlobals: PIPELINE_GLOBALS, compileTimeoutMs: COMPILE_LIMIT_MS });
    return { lua: result.lua, sourceMap: result.sourceMap };
  };
}

interface PositionedError {
  file?: unknown;
  line?: unknown;
  col?: unknown;
  reason?: unknown;
  kind?: unknown;
  hints?: unknown;
}

/** True for the error of compile-time code stopped at COMPILE_LIMIT_MS. */
export function isCompileTimeout(e: unknown): boolean {
  const reason = (e as PositionedError | undefined)?.reason;
  return typeof reason === "string" && reason.startsWith("compile-time code did not finish within");
}

/** A compile or parse error as a Diagnostic; falls back to the message. */
export function compileErrorDiagnostic(e: unknown, file: string): Diagnostic {
  const err = e as PositionedError & Error;
  if (typeof err.line === "number" && typeof err.reason === "string") {
    const kind = err.kind === "parse" ? "Parse error" : "Compile error";
    const hints = Array.isArray(err.hints) ? err.hints.filter((h): h is string => typeof h === "string") : [];
    return {
      file: typeof err.file === "string" ? err.file : file,
      line: err.line,
      ...(typeof err.col === "number" ? { col: err.col } : {}),
      message: `${kind}: ${err.reason}`,
      ...(hints.length > 0 ? { hint: hints.map((h) => h.replace(/^\*\s*/, "")).join("\n") } : {}),
    };
  }
  return { file, message: `Compile error: ${err?.message ?? String(e)}` };
}
