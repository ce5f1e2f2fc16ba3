// What ,doc and fennel.doc show for the special forms and built-in macros:
// each name's argument list and docstring. (The texts for `if` and `doto`
// are the ones the reference's own test suite checks, word for word.)

export interface FormDoc {
  arglist: string[];
  doc: string;
  /** Indented like a body rather than like a call (fennel.syntax's body-form?). */
  body?: boolean;
}

const ARITH = "Arithmetic operator; works the same as Lua but accepts more arguments.";
const COMPARE = "Comparison operator; works the same as Lua but accepts more arguments.";
const BITS = "Only works in Lua 5.3+ or LuaJIT with the useBitLib option.";

export const SPECIAL_DOCS: Record<string, FormDoc> = {
  let: { arglist: ["[name1 val1 ... nameN valN]", "..."], doc: "Introduces a new scope in which a given set of local bindings are used.", body: true },
  local: { arglist: ["name", "val"], doc: "Introduce a new local in the current scope; it cannot be changed with set." },
  var: { arglist: ["name", "val"], doc: "Introduce a new local in the current scope whose value set may change." },
  set: { arglist: ["name", "val"], doc: "Set a var, or a field of a table, to a new value." },
  tset: { arglist: ["tbl", "key1", "...", "keyN", "val"], doc: "Set the field at the path of keys in a table to a value." },
  global: { arglist: ["name", "val"], doc: "Set a global variable to a new value. Deprecated: use _G.name." },
  do: { arglist: ["..."], doc: "Evaluate the forms in order; the value of the last one is the value of the whole.", body: true },
  if: {
    arglist: ["cond1", "body1", "...", "condN", "bodyN"],
    doc:
      "Conditional form.\nTakes any number of condition/body pairs and evaluates the first body where\n" +
      "the condition evaluates to truthy. Similar to cond in other lisps.",
  },
  while: { arglist: ["condition", "..."], doc: "Evaluate the body again and again for as long as the condition is truthy.", body: true },
  for: { arglist: ["[index start stop ?step]", "..."], doc: "Numeric loop: run the body for each index from start to stop, by step.", body: true },
  each: {
    arglist: ["[vals... iterator]", "..."],
    doc: "Run the body once for each set of values the iterator gives, bound to vals.\nFor example: (each [k v (pairs t)] (print k v))",
    body: true,
  },
  values: { arglist: ["..."], doc: "Return several values from one form." },
  "pick-values": { arglist: ["n", "..."], doc: "Evaluate to exactly n values: the first n, padded with nil." },
  "tail!": { arglist: ["body"], doc: "Assert that the body is a call in tail position." },
  fn: {
    arglist: ["?name", "args", "?docstring", "..."],
    doc: "Make a function. Named, it is bound in the current scope. A docstring or a metadata\ntable may follow the arguments. Missing arguments are nil; extra ones are dropped.",
    body: true,
  },
  hashfn: { arglist: ["..."], doc: "Shorthand function: #(+ $1 $2) takes arguments as $1...$9, or all as $...." },
  lua: { arglist: ["?statement", "?expression"], doc: "Write Lua code straight into the output: a statement and/or an expression." },
  comment: { arglist: ["..."], doc: "Put a comment into the Lua output." },
  doc: { arglist: ["x"], doc: "Print the docstring and arglist of a function, macro or special form." },
  quote: { arglist: ["x"], doc: "The form itself as data, with ,x evaluated inside it. Forms only exist at compile time." },
  unquote: { arglist: ["..."], doc: "Inside a quoted form, evaluate the argument instead of quoting it." },
  include: { arglist: ["module-name-literal"], doc: "Like require, but put the module's code into the output at compile time." },
  macros: { arglist: ["{:macro-name-1 (fn [...] ...) ... :macro-name-N macro-body-N}"], doc: "Make each function of the table a macro in the current scope." },
  "require-macros": { arglist: ["macro-module-name"], doc: "Load a macro module and make all its macros available here. Deprecated: use import-macros." },
  "eval-compiler": { arglist: ["..."], doc: "Evaluate the body at compile time, where macros run.", body: true },
  ".": { arglist: ["tbl", "key1", "...", "keyN"], doc: "Look up key1 in tbl, then key2 in that, and so on." },
  ":": { arglist: ["tbl", "method-name", "..."], doc: "Call the method of tbl named method-name, with tbl as its first argument." },
  length: { arglist: ["x"], doc: "The length of a table or string." },
  "+": { arglist: ["a", "b", "..."], doc: ARITH },
  "-": { arglist: ["a", "b", "..."], doc: ARITH },
  "*": { arglist: ["a", "b", "..."], doc: ARITH },
  "/": { arglist: ["a", "b", "..."], doc: ARITH },
  "//": { arglist: ["a", "b", "..."], doc: ARITH },
  "%": { arglist: ["a", "b", "..."], doc: ARITH },
  "^": { arglist: ["a", "b", "..."], doc: ARITH },
  "..": { arglist: ["a", "b", "..."], doc: "String concatenation operator; works the same as Lua but accepts more arguments." },
  "<": { arglist: ["a", "b", "..."], doc: COMPARE },
  ">": { arglist: ["a", "b", "..."], doc: COMPARE },
  "<=": { arglist: ["a", "b", "..."], doc: COMPARE },
  ">=": { arglist: ["a", "b", "..."], doc: COMPARE },
  "=": { arglist: ["a", "b", "..."], doc: COMPARE },
  "not=": { arglist: ["a", "b", "..."], doc: COMPARE },
  "~=": { arglist: ["a", "b", "..."], doc: COMPARE },
  and: { arglist: ["a", "b", "..."], doc: "Boolean and; works the same as Lua but accepts more arguments." },
  or: { arglist: ["a", "b", "..."], doc: "Boolean or; works the same as Lua but accepts more arguments." },
  not: { arglist: ["x"], doc: "Boolean not; works the same as Lua." },
  band: { arglist: ["x1", "x2", "..."], doc: `Bitwise AND of its arguments. ${BITS}` },
  bor: { arglist: ["x1", "x2", "..."], doc: `Bitwise OR of its arguments. ${BITS}` },
  bxor: { arglist: ["x1", "x2", "..."], doc: `Bitwise XOR of its arguments. ${BITS}` },
  bnot: { arglist: ["x"], doc: `Bitwise negation. ${BITS}` },
  lshift: { arglist: ["x", "n"], doc: `Shift x left by n bits. ${BITS}` },
  rshift: { arglist: ["x", "n"], doc: `Shift x right by n bits, filling with zeros. ${BITS}` },
};

export const MACRO_DOCS: Record<string, FormDoc> = {
  "->": { arglist: ["val", "..."], doc: "Thread val through the forms: each result becomes the first argument of the next." },
  "->>": { arglist: ["val", "..."], doc: "Thread val through the forms: each result becomes the last argument of the next." },
  "-?>": { arglist: ["val", "..."], doc: "Like ->, but stop at the first nil result." },
  "-?>>": { arglist: ["val", "..."], doc: "Like ->>, but stop at the first nil result." },
  "?.": { arglist: ["tbl", "..."], doc: "Look up keys in nested tables, giving nil at the first missing one." },
  doto: { arglist: ["val", "..."], doc: "Evaluate val and splice it into the first argument of subsequent forms.", body: true },
  when: { arglist: ["condition", "body1", "..."], doc: "When the condition is truthy, evaluate the body; else nil.", body: true },
  "with-open": { arglist: ["[name1 val1 ... nameN valN]", "..."], doc: "Like let, but call :close on each value when the body ends, even on an error.", body: true },
  collect: { arglist: ["iter-tbl", "key-expr", "value-expr", "..."], doc: "Build a table from an iterator: each step's key and value, nil skipped.", body: true },
  icollect: { arglist: ["iter-tbl", "value-expr", "..."], doc: "Build a sequence from an iterator: each step's value, nil skipped.", body: true },
  fcollect: { arglist: ["range-tbl", "value-expr", "..."], doc: "Build a sequence from a numeric range: each step's value, nil skipped.", body: true },
  accumulate: { arglist: ["[accumulator initial-value iterator]", "..."], doc: "Fold an iterator into one value: the body gives each step's accumulator.", body: true },
  faccumulate: { arglist: ["[accumulator initial-value range]", "..."], doc: "Fold a numeric range into one value: the body gives each step's accumulator.", body: true },
  partial: { arglist: ["f", "..."], doc: "A function that calls f with these arguments and then its own." },
  lambda: { arglist: ["?name", "args", "?docstring", "..."], doc: "A function that errors when an argument not named ?x is nil.", body: true },
  "λ": { arglist: ["?name", "args", "?docstring", "..."], doc: "A function that errors when an argument not named ?x is nil.", body: true },
  "pick-args": { arglist: ["n", "f"], doc: "A function of exactly n arguments that calls f. Deprecated." },
  macro: { arglist: ["name", "...", "body"], doc: "Define a macro: a function run at compile time on the forms it is called with.", body: true },
  "import-macros": { arglist: ["binding1", "module-name1", "..."], doc: "Bind a macro module's macros: all under one name, or some by name." },
  macrodebug: { arglist: ["form", "return?"], doc: "Print the form as macros expand it; with return?, give it as a string." },
  case: { arglist: ["val", "...cases"], doc: "Evaluate the body of the first pattern that matches val, binding its names.", body: true },
  match: { arglist: ["val", "...cases"], doc: "Like case, but names bound outside the patterns must match their values.", body: true },
  "case-try": { arglist: ["expr", "pattern", "body", "..."], doc: "Chain case steps; the first step that does not match goes to the catch clauses.", body: true },
  "match-try": { arglist: ["expr", "pattern", "body", "..."], doc: "Like case-try, but with match's way of matching names already bound.", body: true },
  "assert-repl": { arglist: ["condition", "?message", "..."], doc: "Like assert, but open a REPL where the assertion fails." },
};
