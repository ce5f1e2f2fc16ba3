// Friendly hints (`* Try …` lines) shown under compile errors, chosen from
// the message text, in the spirit of the reference compiler's friend module.

const RULES: Array<[RegExp, string[]]> = [
  [/^unknown identifier/, [
    "* Try looking to see if there's a typo.",
    "* Try using the _G table instead, eg. _G.x if you really want a global.",
    "* Try moving this code to somewhere that x is in scope.",
    "* Try binding x as a local in the scope of this code.",
  ]],
  [/^expected var /, [
    "* Try declaring it using var instead of let/local.",
    "* Try introducing a new local instead of changing the value.",
  ]],
  [/^expected local /, ["* Try declaring it with local or var first, or use global for a global."]],
  [/expected even number of name\/value bindings/, [
    "* Try finding where the identifier or value is missing.",
  ]],
  [/expected binding sequence/, ["* Try placing a sequence of bindings in square brackets, like [x 1 y 2]."]],
  [/^expected parameters table/, ["* Try adding a parameter list in square brackets, like (fn name [x y] ...)."]],
  [/^unexpected vararg/, ["* Try putting \"...\" in the fn arguments."]],
  [/^expected body expression/, ["* Try putting a body expression after the bindings."]],
  [/^tried to reference a (special form|macro)/, ["* Try renaming your local to avoid the name of a special form or macro."]],
  [/^multisym method calls/, ["* Try calling it as (obj:method args) or (: obj :method args)."]],
  [/^cannot call literal value/, ["* Try checking for a missing function name before the value."]],
  [/^expected a function, macro, or special to call/, ["* Try removing the empty parentheses.", "* Try using [] instead of () for an empty table."]],
  [/^must be in tail position/, ["* Try moving tail! to the last form of the function body."]],
  [/may only be used at compile time/, ["* Try moving this into a macro.", "* Try using a string or table instead."]],
  [/^macro module not found|^module not found/, ["* Try checking the module name and the search path."]],
];

/** The hint lines for a compile error message (may be empty). */
export function hintsFor(reason: string): string[] {
  for (const [re, hints] of RULES) {
    if (re.test(reason)) {
      const name = /^unknown identifier: (.*)$/.exec(reason)?.[1];
      return name === undefined ? hints : hints.map((h) => h.replace(/\bx\b/g, name));
    }
  }
  return [];
}

/** Hints for parse errors. */
export function parseHintsFor(reason: string): string[] {
  if (/^expected closing delimiters? [^"]*$/.test(reason)) return ["* Try adding the missing closing delimiter."];
  if (/^unexpected closing delimiter/.test(reason)) return ["* Try deleting the extra closing delimiter."];
  if (/^mismatched closing delimiter/.test(reason)) return ["* Try matching each opening delimiter with its closer."];
  if (/^expected even number of values in table literal/.test(reason)) {
    return ["* Try removing a key or adding a value so every key has a value."];
  }
  if (/^expected closing delimiters? .*"$/.test(reason)) return ["* Try adding the closing \" of the string."];
  if (/^could not read number/.test(reason)) return ["* Try making it a valid number, or a symbol that does not start with a digit."];
  if (/^invalid escape/.test(reason)) return ["* Try escaping the backslash as \\\\."];
  return [];
}
