// Registry of the built-in macros, keyed by the name used in Fennel source.
import type { MacroFn } from "./types.js";

export const builtinMacros: ReadonlyMap<string, MacroFn> = new Map<string, MacroFn>();
