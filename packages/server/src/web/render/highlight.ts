// Syntax highlighting behind one function: source text in, one escaped HTML
// string per line out, with `hl-*` classes (layout/style.ts). Prism does the
// tokenizing (chosen by measurement: see docs/WEB.md); Fennel's grammar is
// ours (fennel-grammar.ts). Results are kept by blob id: content never changes.
import { createRequire } from "node:module";
import { LRUCache } from "lru-cache";
import Prism from "prismjs";
import { escapeHtml } from "./escape.js";
import { FENNEL_GRAMMAR } from "./fennel-grammar.js";

const require = createRequire(import.meta.url);
const loadLanguages = require("prismjs/components/index.js") as (langs: string[]) => void;
(loadLanguages as { silent?: boolean }).silent = true;
Prism.languages.fennel = FENNEL_GRAMMAR;

/** File extensions (and whole names) to Prism language ids. */
const BY_EXTENSION: Record<string, string> = {
  fnl: "fennel", lua: "lua", rs: "rust", ts: "typescript", tsx: "tsx", mts: "typescript", cts: "typescript",
  js: "javascript", mjs: "javascript", cjs: "javascript", jsx: "jsx", json: "json", jsonc: "json", json5: "json5",
  c: "c", h: "c", cc: "cpp", cpp: "cpp", cxx: "cpp", hpp: "cpp", hh: "cpp", go: "go", py: "python", rb: "ruby",
  java: "java", kt: "kotlin", kts: "kotlin", swift: "swift", scala: "scala", cs: "csharp", fs: "fsharp",
  php: "php", pl: "perl", pm: "perl", sh: "bash", bash: "bash", zsh: "bash", fish: "bash", ps1: "powershell",
  sql: "sql", html: "markup", htm: "markup", xml: "markup", svg: "markup", css: "css", scss: "scss", less: "less",
  md: "markdown", markdown: "markdown", yml: "yaml", yaml: "yaml", toml: "toml", ini: "ini", cfg: "ini", conf: "ini",
  hs: "haskell", ml: "ocaml", mli: "ocaml", ex: "elixir", exs: "elixir", erl: "erlang", clj: "clojure", cljs: "clojure",
  edn: "clojure", scm: "scheme", ss: "scheme", rkt: "racket", el: "lisp", lisp: "lisp", nix: "nix", zig: "zig",
  dart: "dart", r: "r", jl: "julia", vim: "vim", tex: "latex", diff: "diff", patch: "diff", proto: "protobuf",
  tf: "hcl", hcl: "hcl", graphql: "graphql", gql: "graphql", dockerfile: "docker", mk: "makefile", cmake: "cmake",
  nim: "nim", v: "verilog", vhd: "vhdl", d: "d", groovy: "groovy", gradle: "groovy", sol: "solidity", elm: "elm",
  purs: "purescript", vue: "markup", svelte: "markup", awk: "awk", bat: "batch", cmd: "batch",
};

const BY_NAME: Record<string, string> = {
  makefile: "makefile", gnumakefile: "makefile", dockerfile: "docker", containerfile: "docker", "cmakelists.txt": "cmake",
  "cargo.lock": "toml", rakefile: "ruby", gemfile: "ruby", justfile: "makefile", ".bashrc": "bash", ".profile": "bash",
};

const BY_SHEBANG: [RegExp, string][] = [
  [/\b(ba|z|k|da)?sh\b/, "bash"],
  [/\bpython[0-9.]*\b/, "python"],
  [/\bnode\b/, "javascript"],
  [/\bfennel\b/, "fennel"],
  [/\blua[0-9.]*\b/, "lua"],
  [/\bruby\b/, "ruby"],
  [/\bperl\b/, "perl"],
];

/** The language of a file by name (and shebang), or null for plain text. */
export function languageOf(fileName: string, firstLine = ""): string | null {
  const lower = fileName.toLowerCase();
  const byName = BY_NAME[lower];
  if (byName !== undefined) return byName;
  const dot = lower.lastIndexOf(".");
  if (dot > 0) {
    const byExt = BY_EXTENSION[lower.slice(dot + 1)];
    if (byExt !== undefined) return byExt;
  }
  if (firstLine.startsWith("#!")) for (const [re, lang] of BY_SHEBANG) if (re.test(firstLine)) return lang;
  return null;
}

function grammar(lang: string): Prism.Grammar | undefined {
  if (Prism.languages[lang] === undefined) {
    try {
      loadLanguages([lang]);
    } catch {
      return undefined;
    }
  }
  return Prism.languages[lang];
}

/** Prism token types to the stylesheet's classes. */
const CLASS: Record<string, string> = {
  keyword: "kwd", "control-flow": "kwd", important: "kwd", atrule: "kwd", selector: "kwd", tag: "kwd", rule: "kwd",
  string: "str", char: "str", "template-string": "str", url: "str", "attr-value": "str", inserted: "insert",
  comment: "cmnt", prolog: "cmnt", doctype: "cmnt", cdata: "cmnt", shebang: "cmnt",
  number: "num", boolean: "bool", constant: "num", symbol: "var", entity: "esc", escape: "esc", regex: "regex",
  function: "func", "function-definition": "func", macro: "func", builtin: "type", "class-name": "type", namespace: "type",
  property: "var", variable: "var", "attr-name": "var", parameter: "var", deleted: "deleted", title: "section", section: "section",
};

function classOf(token: Prism.Token): string | undefined {
  const direct = CLASS[token.type];
  if (direct !== undefined) return direct;
  const alias = token.alias;
  for (const a of Array.isArray(alias) ? alias : alias === undefined ? [] : [alias]) if (CLASS[a] !== undefined) return CLASS[a];
  return undefined;
}

/** Walk Prism's token tree, emitting escaped text split into lines; spans reopen on every line. */
function linesOf(tokens: (string | Prism.Token)[]): string[] {
  const lines: string[] = [];
  let current = "";
  const open: string[] = [];
  const text = (s: string) => {
    let start = 0;
    for (let nl = s.indexOf("\n"); nl >= 0; nl = s.indexOf("\n", start)) {
      current += escapeHtml(s.slice(start, nl)) + "</span>".repeat(open.length);
      lines.push(current);
      current = open.map((c) => `<span class="hl-${c}">`).join("");
      start = nl + 1;
    }
    current += escapeHtml(s.slice(start));
  };
  const walk = (stream: string | Prism.Token | (string | Prism.Token)[]): void => {
    if (typeof stream === "string") return text(stream);
    if (Array.isArray(stream)) {
      for (const t of stream) walk(t);
      return;
    }
    const cls = classOf(stream);
    if (cls === undefined) return walk(stream.content);
    current += `<span class="hl-${cls}">`;
    open.push(cls);
    walk(stream.content);
    open.pop();
    current += "</span>";
  };
  walk(tokens);
  lines.push(current);
  return lines;
}

/** Plain text as escaped lines (no highlighting). */
export function plainLines(source: string): string[] {
  return source.split("\n").map(escapeHtml);
}

const memo = new LRUCache<string, string[]>({ maxSize: 48 * 1024 * 1024, sizeCalculation: (lines) => lines.reduce((n, l) => n + l.length + 16, 64) });

/**
 * Highlight `source` as `lang` (from languageOf), one HTML string per line
 * (a trailing newline gives no extra line). Unknown languages come back plain.
 * `cacheKey` (a blob id) keeps the result for the next reader.
 */
export function highlightLines(source: string, lang: string | null, cacheKey?: string): string[] {
  const key = cacheKey === undefined ? undefined : `${lang}\0${cacheKey}`;
  if (key !== undefined) {
    const known = memo.get(key);
    if (known !== undefined) return known;
  }
  const body = source.endsWith("\n") ? source.slice(0, -1) : source;
  const g = lang === null ? undefined : grammar(lang);
  const lines = g === undefined ? plainLines(body) : linesOf(Prism.tokenize(body, g));
  if (key !== undefined) memo.set(key, lines);
  return lines;
}
