// Friendly hints (`* Try …` lines) shown under compile errors, chosen from
// the message text, in the spirit of the reference compiler's friend module.

// Each rule: a message pattern and suggestions; `%s` is the pattern's first group.
const RULES: Array<[RegExp, string[]]> = [
  [/^unknown identifier: (.*)/, [
    "looking to see if there's a typo",
    "using the _G table instead, eg. _G.%s if you really want a global",
    "moving this code to somewhere that %s is in scope",
    "binding %s as a local in the scope of this code",
  ]],
  [/^expected var (.*)/, [
    "declaring %s using var instead of let/local",
    "introducing a new local instead of changing the value of %s",
  ]],
  [/^expected local (.*)/, ["declaring %s with local or var first, or using global for a global"]],
  [/^local (.*) was overshadowed by a special form or macro/, ["renaming local %s"]],
  [/^global (.*) conflicts with local/, ["renaming local %s"]],
  [/^unexpected multi symbol (.*)/, ["removing periods or colons from %s"]],
  [/^can't introduce (.*) here/, ["declaring the local at the top-level"]],
  [/expected even number of name\/value bindings/, [
    "finding where the identifier or value is missing",
  ]],
  [/expected binding sequence/, ["placing a table here in square brackets containing identifiers to bind"]],
  [/^expected parameters table/, ["adding function parameters as a list of identifiers in brackets"]],
  [/^unexpected vararg/, ["putting \"...\" at the end of the fn parameters if the vararg was intended"]],
  [/^expected body expression/, ["putting some code in the body of this form after the bindings"]],
  [/^expected name and value/, ["adding a value to bind to the name"]],
  [/^tried to reference a (special form|macro)/, ["renaming your local to avoid the name of a special form or macro"]],
  [/^multisym method calls may only be in call position/, [
    "using a period instead of a colon to reference a table's fields",
    "putting parens around this",
  ]],
  [/^cannot call literal value/, [
    "checking for typos",
    "checking for a missing function name",
    "making sure to use prefix operators, not infix",
  ]],
  [/^expected a function, macro, or special to call/, [
    "removing the empty parentheses",
    "using square brackets if you want an empty table",
  ]],
  [/[Mm]ust be in tail position/, ["moving tail! to the last form of the function body"]],
  [/may only be used at compile time/, ["moving this to inside a macro if you need to manipulate symbols/lists", "using square brackets instead of parens to construct a table"]],
  [/not found in module|^macro module not found/, ["checking the keys of the imported macro module's returned table"]],
  [/^module not found/, ["checking the module name and that its file is on the search path"]],
];

/** The hint lines for a compile error message (may be empty). */
export function hintsFor(reason: string): string[] {
  for (const [re, hints] of RULES) {
    const m = re.exec(reason);
    if (m !== null) return hints.map((h) => `* Try ${h.replace(/%s/g, m[1] ?? "")}.`);
  }
  return [];
}

/** Hints for parse errors: the reference's, where it has any. */
const PARSE_RULES: Array<[RegExp, string[]]> = [
  [/^unexpected closing delimiter (.)/, ["deleting %1", "adding matching opening delimiter earlier"]],
  [/^mismatched closing delimiter (.), expected (.)/, ["replacing %1 with %2", "deleting %1", "adding matching opening delimiter earlier"]],
  [/^expected even number of values in table literal/, ["removing a key", "adding a value"]],
  [/^could not read number (.*)/, [
    "removing the non-digit character",
    "beginning the identifier with a non-digit if it is not meant to be a number",
  ]],
  [/^invalid character: (.)/, [
    "deleting or replacing %1",
    "avoiding reserved characters like \", \\, ', ~, ;, @, `, and comma",
  ]],
  [/^expected whitespace before opening delimiter/, ["adding whitespace"]],
  [/^malformed multisym/, ["ensuring each period or colon is not followed by another period or colon"]],
  [/^method must be last component/, [
    "using a period instead of a colon for field access",
    "removing segments after the colon",
    "making the method call, then looking up the field on the result",
  ]],
];

export function parseHintsFor(reason: string): string[] {
  for (const [re, hints] of PARSE_RULES) {
    const m = re.exec(reason);
    if (m !== null) return hints.map((h) => `* Try ${h.replace(/%([12])/g, (_, i: string) => m[Number(i)] ?? "")}.`);
  }
  return [];
}
