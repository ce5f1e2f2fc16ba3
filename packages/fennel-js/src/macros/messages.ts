// Every message the built-in macros raise, with its hints. The wording of the
// reason follows the reference's assertion texts so users can search for it.
import type { Form } from "../reader/forms.js";
import type { MacroContext } from "./types.js";

export interface MacroMessage {
  reason: string;
  hints: string[];
}

function m(reason: string, ...hints: string[]): MacroMessage {
  return { reason, hints };
}

/** Raise `msg` at `form`; the context turns each hint into a `* Try …` line. */
export function fail(ctx: MacroContext, form: Form, msg: MacroMessage): never {
  return ctx.error(form, msg.reason, msg.hints);
}

export const MSG = {
  expectedBody: (name: string) => m(`expected body`, `adding a body to ${name}: (${name} condition body…).`),
  iteratorTable: (name: string) =>
    m(`expected iterator binding table`, `writing (${name} [k v (pairs t)] …) with a binding table and an iterator.`),
  rangeTable: (name: string) =>
    m(`expected range binding table`, `writing (${name} [i 1 10] …) with a name, a start and a stop.`),
  accumulateTable: (name: string) =>
    m(
      `expected initial value and iterator binding table`,
      `writing (${name} [acc 0 ${name === "faccumulate" ? "i 1 10" : "_ x (ipairs t)"}] …).`,
    ),
  keyValueExpr: () => m(`expected key and value expression`, `ending collect with a key and a value: (collect [k v (pairs t)] k v).`),
  needKeyAndValue: () =>
    m(`need key and value`, `giving collect two body forms, or one form returning two values: (values k v).`),
  collectBodies: () =>
    m(`expected 1 or 2 body expressions; wrap multiple expressions with do`, `wrapping the body in (do …).`),
  valueExpr: () => m(`expected table value expression`, `adding a body that returns the value to insert.`),
  oneBody: () =>
    m(`expected exactly one body expression. Wrap multiple expressions in do`, `wrapping the body in (do …).`),
  bodyExpr: () => m(`expected body expression`, `adding a body that returns the new accumulator value.`),
  oneInto: () => m(`expected only one &into clause`, `removing the extra &into.`),
  intoTarget: () =>
    m(`expected table, function call, or symbol in &into clause`, `writing &into [] or &into some-table.`),
  nilSafeTable: () => m(`expected table argument`, `writing (?. tbl key…) with the table to look into.`),
  missingSubject: (name: string) => m(`missing subject`, `giving ${name} a value to match: (${name} value pattern body).`),
  evenPairs: () =>
    m(`expected even number of pattern/body pairs`, `giving every pattern a body; use _ as the last pattern for a default.`),
  atLeastOnePair: () => m(`expected at least one pattern/body pair`, `adding a pattern and a body after the value.`),
  everyPatternBody: () => m(`expected every pattern to have a body`, `adding the missing body after the last pattern.`),
  everyCatchBody: () => m(`expected every catch pattern to have a body`, `adding the missing body in (catch …).`),
  nestedWhere: () => m(`can't nest (where) pattern`, `moving (where …) to the outermost level of the pattern.`),
  nestedOr: () => m(`can't nest (or) pattern`, `moving (or …) to the outermost level, inside (where …).`),
  orOutsideWhere: () => m(`(or) must be used in (where) patterns`, `writing (where (or pattern1 pattern2)).`),
  legacyGuard: () => m(`legacy guard clause not supported in case`, `writing (where pattern guard) instead of (pattern ? guard).`),
  nestedMultival: () =>
    m(`can't nest multi-value destructuring`, `using a table pattern [a b] inside; (a b) only works at the top.`),
  pinArity: () => m(`(=) should take only one argument`, `writing (= name) with exactly one symbol.`),
  pinInMatch: () => m(`(=) cannot be used inside of match`, `using case, or relying on match pinning the local itself.`),
  pinOutsideWhere: () => m(`(=) must be used in (where) patterns`, `writing (where [(= x)]) instead of [(= x)].`),
  pinSymbol: () => m(`= has to bind to a symbol`, `writing (= name) where name is a local in scope.`),
  restLast: () => m(`expected & rest argument before last parameter`, `putting the & rest name last: [a b & rest].`),
  asLast: () => m(`expected &as argument before last parameter`, `putting &as name last: [a b &as whole].`),
  multiSymPattern: (name: string) =>
    m(`unexpected multi symbol ${name}`, `binding a plain name, then comparing: (where x (= x ${name})).`),
  withOpenSyms: () =>
    m(`with-open only allows symbols in bindings`, `binding each handle to a plain name: (with-open [f (io.open path)] …).`),
  withOpenBindings: () =>
    m(`expected binding table`, `writing (with-open [name value …] body…).`),
  argList: (name: string) => m(`expected arg list`, `writing (${name} [a b] body…).`),
  partialFn: () => m(`expected a function to partially apply`, `writing (partial f arg…).`),
  pickCount: (name: string) =>
    m(`expected n to be an integer literal >= 0`, `writing (${name} 2 …) with a literal count.`),
  dotoSubject: () => m(`missing subject`, `writing (doto value (method …) …).`),
};
