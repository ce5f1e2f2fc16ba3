// The form printer: forms back to Fennel text, for macrodebug, comment,
// error messages and `view` of forms in macros.
import { Bool, List, Nil, Num, Sequence, Str, Sym, Table, Varg, type Form } from "./forms.js";

const KEYWORD = /^[^\s()[\]{}"'`,;~@#:][^\s()[\]{}"'`,;~@]*$/;

/** Print `form` as Fennel source text on one line. */
export function printForm(form: Form): string {
  if (form instanceof List) return "(" + form.items.map(printForm).join(" ") + ")";
  if (form instanceof Sequence) return "[" + form.items.map(printForm).join(" ") + "]";
  if (form instanceof Table) {
    return "{" + form.entries.map(([k, v]) => (k instanceof Str ? printString(k.value, true) : printForm(k)) + " " + printForm(v)).join(" ") + "}";
  }
  if (form instanceof Sym) return form.name;
  if (form instanceof Str) return printString(form.value);
  if (form instanceof Num) return form.text;
  if (form instanceof Bool) return form.value ? "true" : "false";
  if (form instanceof Nil) return "nil";
  if (form instanceof Varg) return "...";
  return String(form);
}

/** A string as Fennel's view writes it: quoted, or `:kw` as a table key when it can be. */
export function printString(s: string, asKey = false): string {
  if (asKey && KEYWORD.test(s) && !/^[0-9.+-]/.test(s)) return ":" + s;
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (c < 32 || c === 127) out += "\\" + c;
    else if (c >= 0xdc80 && c <= 0xdcff) out += "\\" + (c - 0xdc00);
    else out += ch;
  }
  return out + '"';
}
