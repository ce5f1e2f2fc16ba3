// Registry of special forms: name → compile function. One file per family.
import type { SpecialFn } from "../compiler/compiler.js";
import { globalSpecial, letSpecial, localSpecial, setForciblySpecial, setSpecial, tsetSpecial, varSpecial } from "./binding.js";
import { doSpecial, eachSpecial, forSpecial, ifSpecial, pickValuesSpecial, tailSpecial, valuesSpecial, whileSpecial } from "./control.js";
import { fnSpecial, hashfnSpecial } from "./fn.js";
import { includeSpecial } from "./include.js";
import {
  evalCompilerSpecial,
  importMacrosSpecial,
  macroSpecial,
  macrodebugSpecial,
  macrosSpecial,
  requireMacrosSpecial,
} from "./macros.js";
import { commentSpecial, docSpecial, luaSpecial } from "./misc.js";
import { arithmeticSpecials, comparisonSpecials, lengthSpecial, logicSpecials } from "./operators.js";
import { quoteSpecial, unquoteSpecial } from "./quote.js";
import { colonSpecial, dotSpecial } from "./tables.js";

const table: Record<string, SpecialFn> = {
  let: letSpecial,
  local: localSpecial,
  var: varSpecial,
  set: setSpecial,
  "set-forcibly!": setForciblySpecial,
  tset: tsetSpecial,
  global: globalSpecial,
  do: doSpecial,
  if: ifSpecial,
  while: whileSpecial,
  for: forSpecial,
  each: eachSpecial,
  values: valuesSpecial,
  "pick-values": pickValuesSpecial,
  "tail!": tailSpecial,
  fn: fnSpecial,
  hashfn: hashfnSpecial,
  lua: luaSpecial,
  comment: commentSpecial,
  doc: docSpecial,
  quote: quoteSpecial,
  include: includeSpecial,
  macro: macroSpecial,
  macros: macrosSpecial,
  "import-macros": importMacrosSpecial,
  "require-macros": requireMacrosSpecial,
  "eval-compiler": evalCompilerSpecial,
  macrodebug: macrodebugSpecial,
  unquote: unquoteSpecial,
  ".": dotSpecial,
  ":": colonSpecial,
  length: lengthSpecial,
  "#": lengthSpecial,
  ...arithmeticSpecials,
  ...comparisonSpecials,
  ...logicSpecials,
};

/** Every special form; the compiler looks names up here after macros. */
export const specials: Map<string, SpecialFn> = new Map(Object.entries(table));
