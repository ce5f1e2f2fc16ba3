// Registry of the built-in macros, keyed by the name used in Fennel source.
// Each family lives in its own file; the compiler expands through this map.
import { accumulate, faccumulate } from "./accumulate.js";
import { caseMacro, caseTry, matchMacro, matchTry } from "./case.js";
import { collect, fcollect, icollect } from "./collect.js";
import { when } from "./conditionals.js";
import { lambda, partial, pickArgs } from "./functions.js";
import { nilSafeDot, nilSafeThreadFirst, nilSafeThreadLast } from "./nil-safe.js";
import { assertRepl, doto, withOpen } from "./resources.js";
import { threadFirst, threadLast } from "./threading.js";
import type { MacroFn } from "./types.js";

export const builtinMacros: ReadonlyMap<string, MacroFn> = new Map<string, MacroFn>([
  ["->", threadFirst],
  ["->>", threadLast],
  ["-?>", nilSafeThreadFirst],
  ["-?>>", nilSafeThreadLast],
  ["?.", nilSafeDot],
  ["when", when],
  ["collect", collect],
  ["icollect", icollect],
  ["fcollect", fcollect],
  ["accumulate", accumulate],
  ["faccumulate", faccumulate],
  ["case", caseMacro],
  ["match", matchMacro],
  ["case-try", caseTry],
  ["match-try", matchTry],
  ["partial", partial],
  ["lambda", lambda],
  ["λ", lambda],
  ["pick-args", pickArgs],
  ["with-open", withOpen],
  ["doto", doto],
  ["assert-repl", assertRepl],
]);
