// Locals that outlive one REPL input: top-level `local`/`var`/`fn` names are
// saved into a table after each input and re-declared (as vars) before the
// next, so `(local x 5)` then `x` works as in the reference REPL.
import { readAll } from "./reader/reader.js";
import { List, Sequence, Sym, Table, type Form } from "./reader/forms.js";

export const REPL_LOCALS = "_G.___replLocals___";

function boundNames(pattern: Form | undefined, out: string[]): void {
  if (pattern instanceof Sym) {
    const n = pattern.name;
    if (n !== "&" && n !== "&as" && !n.includes(".") && !n.includes(":")) out.push(n);
  } else if (pattern instanceof Sequence || pattern instanceof List) {
    for (const item of pattern.items) boundNames(item, out);
  } else if (pattern instanceof Table) {
    for (const [, value] of pattern.entries) boundNames(value, out);
  }
}

function declaredBy(form: Form): string[] | undefined {
  if (!(form instanceof List)) return undefined;
  const head = form.items[0];
  if (!(head instanceof Sym)) return undefined;
  const names: string[] = [];
  if (head.name === "local" || head.name === "var") boundNames(form.items[1], names);
  else if ((head.name === "fn" || head.name === "lambda" || head.name === "λ") && form.items[1] instanceof Sym) {
    boundNames(form.items[1], names);
  } else return undefined;
  return names;
}

const PREFIX = new Set(["#", "'", "`", ","]);

/**
 * Rewrite one REPL input so earlier locals are in scope and this input's
 * top-level locals are saved. Throws the reader's FennelError for bad input.
 */
export function withReplLocals(text: string, known: Set<string>): string {
  const forms = readAll(text, "stdin");
  const declared = new Set(known);
  for (const f of forms) for (const n of declaredBy(f) ?? []) declared.add(n);
  const header = [...known].map((n) => `(var ${n} (. ${REPL_LOCALS} ${JSON.stringify(n)}))`).join(" ");
  const save = [...declared].map((n) => `(tset ${REPL_LOCALS} ${JSON.stringify(n)} ${n})`).join(" ");
  for (const n of declared) known.add(n);
  const last = forms.at(-1);
  // Keep line numbers: the header shares the first line with the input.
  if (last === undefined || declaredBy(last) !== undefined || save === "") {
    return `${header} ${text}\n${save}`;
  }
  let start = last.pos.offset;
  while (start > 0 && PREFIX.has(text[start - 1] ?? "")) start--;
  return (
    `${header} ${text.slice(0, start)}` +
    `(let [___replResults___ (table.pack ${text.slice(start)}\n)] ${save} ` +
    `(table.unpack ___replResults___ 1 ___replResults___.n))`
  );
}
