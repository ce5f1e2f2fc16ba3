// A Prism grammar for Fennel (Prism has none): comments, strings, :keyword
// strings, numbers, the special forms and built-in macros as keywords, and
// the head of a call as a function. Used by highlight.ts.
import type Prism from "prismjs";

/** Special forms and macros of the Fennel reference (SPEC §11). */
const FORMS = [
  "fn", "lambda", "λ", "partial", "let", "local", "var", "set", "tset", "global", "values", "if", "when", "do", "each",
  "for", "while", "collect", "icollect", "accumulate", "fcollect", "faccumulate", "case", "match", "case-try", "match-try",
  "with-open", "pick-values", "->", "->>", "-?>", "-?>>", "doto", "tail!", "include", "require-macros", "import-macros",
  "macro", "macros", "eval-compiler", "macrodebug", "lua", "comment", "quote", "hashfn", "length", "and", "or", "not",
  "where", "catch", "&as", "&", "&until", "&into", "require", "band", "bor", "bxor", "bnot", "lshift", "rshift",
];

const escaped = FORMS.map((f) => f.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")).join("|");
const DELIM = "[\\s()\\[\\]{}\"',`~;@]";

export const FENNEL_GRAMMAR: Prism.Grammar = {
  comment: { pattern: /;.*/, greedy: true },
  string: { pattern: /"(?:\\[\s\S]|[^"\\])*"/, greedy: true },
  symbol: { pattern: new RegExp(`(^|${DELIM}):[^\\s()\\[\\]{}"',\`~;@]+`), lookbehind: true },
  boolean: { pattern: new RegExp(`(^|${DELIM})(?:true|false|nil)(?=${DELIM}|$)`), lookbehind: true },
  number: { pattern: new RegExp(`(^|${DELIM})[-+]?(?:0x[\\da-f_]+|\\d[\\d_]*(?:\\.[\\d_]*)?(?:e[-+]?\\d+)?|\\.\\d+)(?=${DELIM}|$)`, "i"), lookbehind: true },
  keyword: { pattern: new RegExp(`(\\(\\s*)(?:${escaped})(?=${DELIM}|$)`), lookbehind: true },
  function: { pattern: /(\(\s*)[^\s()[\]{}"',`~;@]+/, lookbehind: true },
  punctuation: /[()[\]{}#`,@]/,
};
