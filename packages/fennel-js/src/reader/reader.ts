// The Fennel reader: source text to forms with positions, in one pass over
// char codes. Strings, numbers and the `#` `'` `` ` `` `,` prefixes are read
// here; number literals are checked by number.ts, strings by string-escape.ts.
import { FennelError } from "../errors.js";
import { parseMessages as M } from "../diagnostics.js";
import { parseHintsFor } from "../friend.js";
import { readNumber } from "./number.js";
import { readStringBody } from "./string-escape.js";
import { Bool, Comment, List, Nil, Num, Sequence, Str, Sym, Table, Varg, type Form, type Pos, type TableComments } from "./forms.js";

const OPEN_PAREN = 40, CLOSE_PAREN = 41, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;
const OPEN_BRACE = 123, CLOSE_BRACE = 125, QUOTE = 34, SEMI = 59, NL = 10;

/** True for bytes that may appear in a symbol or number token. */
export function isSymbolChar(c: number): boolean {
  return (
    c > 32 &&
    c !== 127 &&
    c !== OPEN_PAREN && c !== CLOSE_PAREN && c !== OPEN_BRACKET && c !== CLOSE_BRACKET &&
    c !== OPEN_BRACE && c !== CLOSE_BRACE &&
    c !== QUOTE && c !== 39 && c !== SEMI && c !== 44 && c !== 96 && c !== 64
  );
}

function isWhitespace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

interface Frame {
  closer: number;
  opener: string;
  items: Form[];
  pos: Pos;
  /** Prefix forms (quote, hashfn…) waiting for their operand, innermost last. */
}

interface PrefixWait {
  name: string;
  pos: Pos;
  depth: number;
}

/** A reader warning: the message and where (line from 1, column from 0). */
export type ReadWarning = (message: string, line: number, col: number) => void;

/**
 * Read every top-level form of `source`. Throws FennelError on bad syntax.
 * `warn` hears what the reference's reader warns about (a string or token
 * right after a form, with no whitespace between).
 */
export function readAll(source: string, file = "unknown", warn?: ReadWarning, keepComments = false): Form[] {
  const r = new Reader(source, file);
  if (warn !== undefined) r.warn = warn;
  r.keepComments = keepComments;
  return r.readAll();
}

/**
 * Read the first top-level form of `source` and where it ends (the index
 * just past it); undefined when there is only whitespace and comments.
 * Throws FennelError on bad syntax, including input that ends mid-form.
 */
export function readFirst(source: string, file = "unknown"): { form: Form; end: number } | undefined {
  const r = new Reader(source, file);
  r.stopAtFirst = true;
  const forms = r.readAll();
  return forms.length === 0 ? undefined : { form: forms[0]!, end: r.position };
}

class Reader {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly stack: Frame[] = [];
  private readonly prefixes: PrefixWait[] = [];
  private readonly top: Form[] = [];
  // Whether whitespace came since the last complete form: an opening delimiter
  // right after one inside a form (`(f "b"(g))`) is a parse error, as in the reference.
  private spaced = true;

  /** Stop once one top-level form is read (readFirst). */
  stopAtFirst = false;
  /** Hears the reader's warnings; none by default. */
  warn: ReadWarning | undefined;
  /**
   * Keep comments as Comment items of lists, sequences and the top level, and
   * on tables (Table.comments), as the reference's parser does with its
   * comments option. The result is for tools, not for the compiler.
   */
  keepComments = false;

  constructor(
    private readonly src: string,
    private readonly file: string,
  ) {}

  get position(): number {
    return this.i;
  }

  private pos(at: number = this.i): Pos {
    return { file: this.file, line: this.line, col: at - this.lineStart, offset: at };
  }

  fail(reason: string, at: number = this.i, line: number = this.line, lineStart: number = this.lineStart): never {
    const lines = this.src.slice(lineStart).split("\n", 1);
    throw new FennelError({
      kind: "parse",
      reason,
      file: this.file,
      line,
      col: Math.max(0, at - lineStart),
      sourceLine: lines[0],
      hints: parseHintsFor(reason),
    });
  }

  readAll(): Form[] {
    const src = this.src;
    const n = src.length;
    if (src.startsWith("#!")) {
      while (this.i < n && src.charCodeAt(this.i) !== NL) this.i++;
    }
    while (this.i < n) {
      if (this.stopAtFirst && this.top.length > 0) return this.top;
      const c = src.charCodeAt(this.i);
      if (c === NL) {
        this.i++;
        this.line++;
        this.lineStart = this.i;
        this.spaced = true;
      } else if (isWhitespace(c)) {
        this.i++;
        this.spaced = true;
      } else if (c === SEMI && this.keepComments) {
        // A kept comment leaves its newline to be read as whitespace.
        const start = this.i;
        while (this.i < n && src.charCodeAt(this.i) !== NL) this.i++;
        const comment = new Comment(src.slice(start, this.i), this.pos(start));
        const frame = this.stack[this.stack.length - 1];
        (frame ? frame.items : this.top).push(comment as unknown as Form);
        this.spaced = false;
      } else if (c === SEMI) {
        // The reference's comment swallows its newline, which so counts as no whitespace.
        while (this.i < n && src.charCodeAt(this.i) !== NL) this.i++;
        if (this.i < n) {
          this.i++;
          this.line++;
          this.lineStart = this.i;
        }
      } else if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) {
        if (!this.spaced) this.fail(M.whitespaceBeforeOpener(src[this.i]!));
        const closer = c === OPEN_PAREN ? CLOSE_PAREN : c === OPEN_BRACKET ? CLOSE_BRACKET : CLOSE_BRACE;
        this.stack.push({ closer, opener: src[this.i]!, items: [], pos: this.pos() });
        this.i++;
      } else if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
        this.close(c);
      } else if (c === QUOTE) {
        this.readString();
      } else if (c === 39 || c === 96 || c === 44 || (c === 35 && this.isHashPrefix())) {
        const name = c === 39 || c === 96 ? "quote" : c === 44 ? "unquote" : "hashfn";
        const next = src.charCodeAt(this.i + 1);
        if (c !== 35 && (Number.isNaN(next) || isWhitespace(next) || next === CLOSE_PAREN || next === CLOSE_BRACKET || next === CLOSE_BRACE)) {
          this.fail(M.whitespaceAfterPrefix());
        }
        this.prefixes.push({ name, pos: this.pos(), depth: this.stack.length });
        this.i++;
      } else {
        this.readToken();
      }
    }
    if (this.stack.length > 0) this.failAtEnd("");
    if (this.prefixes.length > 0) {
      const p = this.prefixes[this.prefixes.length - 1]!;
      this.fail(M.prefixAtEnd(p.name), p.pos.offset, p.pos.line, p.pos.offset - p.pos.col);
    }
    return this.top;
  }

  /** Like the reference: report unclosed delimiters at the end of the input. */
  private failAtEnd(extraCloser: string): never {
    const closers = this.stack.map((f) => String.fromCharCode(f.closer)).join("") + extraCloser;
    const end = this.src.length;
    this.advanceLines(this.i, end);
    this.fail(M.unclosed(closers), end, this.line, this.lineStart);
  }

  /** `#` is the hashfn prefix unless whitespace, a closer or the end follows. */
  private isHashPrefix(): boolean {
    const next = this.src.charCodeAt(this.i + 1);
    return !(Number.isNaN(next) || isWhitespace(next) || next === CLOSE_PAREN || next === CLOSE_BRACKET || next === CLOSE_BRACE);
  }

  private close(c: number): void {
    const frame = this.stack.pop();
    const ch = String.fromCharCode(c);
    if (frame === undefined) this.fail(M.unexpectedCloser(ch));
    if (frame.closer !== c) {
      this.fail(M.mismatchedCloser(ch, String.fromCharCode(frame.closer)));
    }
    const pfx = this.prefixes;
    if (pfx.length > 0 && pfx[pfx.length - 1]!.depth > this.stack.length) {
      this.fail(M.prefixBeforeCloser(pfx[pfx.length - 1]!.name, ch));
    }
    this.i++;
    frame.pos.end = this.i;
    frame.pos.endLine = this.line;
    let form: Form;
    if (c === CLOSE_PAREN) form = new List(frame.items, frame.pos);
    else if (c === CLOSE_BRACKET) form = new Sequence(frame.items, frame.pos);
    else {
      const comments = this.keepComments ? extractComments(frame.items) : undefined;
      const items = comments ? frame.items.filter((x) => !((x as unknown) instanceof Comment)) : frame.items;
      if (items.length % 2 !== 0) {
        const odd = items[items.length - 1]!;
        this.fail(M.oddTable(), odd.pos.offset, odd.pos.line, odd.pos.offset - odd.pos.col);
      }
      const entries: Array<[Form, Form]> = [];
      for (let k = 0; k < items.length; k += 2) {
        let key = items[k]!;
        const value = items[k + 1]!;
        if (key instanceof Sym && key.name === ":") {
          if (!(value instanceof Sym)) {
            this.fail(M.shorthandNeedsSym(), key.pos.offset, key.pos.line, key.pos.offset - key.pos.col);
          }
          key = new Str(value.name, key.pos);
        }
        entries.push([key, value]);
      }
      form = new Table(entries, frame.pos);
      if (comments) (form as Table).comments = comments;
    }
    this.dispatch(form);
  }

  private dispatch(form: Form): void {
    this.spaced = false;
    const pfx = this.prefixes;
    while (pfx.length > 0 && pfx[pfx.length - 1]!.depth === this.stack.length) {
      const p = pfx.pop()!;
      if (form.pos.end !== undefined) p.pos.end = form.pos.end;
      form = new List([new Sym(p.name, p.pos), form], p.pos);
    }
    if (this.stack.length === 0) {
      this.top.push(form);
      // The reference reads each top-level form afresh: `(f)(g)` there is fine.
      this.spaced = true;
    } else {
      this.stack[this.stack.length - 1]!.items.push(form);
    }
  }

  private readString(): void {
    const start = this.i;
    const startLine = this.line;
    const startLineStart = this.lineStart;
    if (!this.spaced) this.warn?.(M.whitespaceBeforeString(), startLine, start - startLineStart);
    const r = readStringBody(this.src, start + 1);
    if (r.error !== undefined) {
      // Count lines up to the error so the position is right.
      this.advanceLines(start, r.end);
      if (r.error === "unterminated") {
        this.i = r.end;
        this.failAtEnd('"');
      }
      this.fail(M.badEscape(r.error), r.end);
    }
    const pos: Pos = { file: this.file, line: startLine, col: start - startLineStart, offset: start, end: r.end };
    this.advanceLines(start, r.end);
    this.i = r.end;
    this.dispatch(new Str(r.value, pos));
  }

  private advanceLines(from: number, to: number): void {
    const src = this.src;
    for (let k = from; k < to; k++) {
      if (src.charCodeAt(k) === NL) {
        this.line++;
        this.lineStart = k + 1;
      }
    }
  }

  /** The reference reader's checks on symbol spelling. */
  private checkSymbol(text: string, start: number): string {
    // `~` belongs to no symbol but `~=`.
    const tilde = text.indexOf("~");
    if (tilde >= 0 && text !== "~=") this.fail(M.invalidChar("~"), start + tilde);
    if (/[.:][.:]/.test(text) && text !== ".." && text !== "$...") this.fail(M.malformedMultisym(text), start);
    if (text !== ":" && text.endsWith(":")) this.fail(M.malformedMultisym(text), start);
    if (/:.+[.:]/.test(text)) this.fail(M.methodNotLast(text), start);
    return text;
  }

  private readToken(): void {
    const src = this.src;
    const start = this.i;
    let j = start;
    const n = src.length;
    while (j < n && isSymbolChar(src.charCodeAt(j))) j++;
    if (j === start) {
      this.fail(src.charCodeAt(start) === 64 ? M.invalidChar("@") : M.illegalChar(src[start]!));
    }
    this.i = j;
    const text = src.slice(start, j);
    const pos = this.pos(start);
    if (!this.spaced) this.warn?.(M.whitespaceBeforeToken(), pos.line, pos.col);
    pos.end = j;
    const c0 = text.charCodeAt(0);
    let form: Form;
    if (text === "true") form = new Bool(true, pos);
    else if (text === "false") form = new Bool(false, pos);
    else if (text === "nil") form = new Nil(pos);
    else if (text === "...") form = new Varg(pos);
    else if (c0 === 58 && text.length > 1) form = new Str(text.slice(1), pos);
    else {
      const num = readNumber(text);
      if (num !== undefined) form = new Num(num.text, num.value, pos);
      else if (c0 >= 48 && c0 <= 57) this.fail(M.badNumber(text), start);
      else form = new Sym(this.checkSymbol(text, start), pos);
    }
    this.dispatch(form);
  }
}

/**
 * A table literal's comments, by what each comes before: an entry's key or
 * its value, or nothing (the comments after the last entry).
 */
function extractComments(items: Form[]): TableComments {
  const isComment = (x: Form): boolean => (x as unknown) instanceof Comment;
  const out: TableComments = { keys: new Map(), values: new Map(), last: [] };
  let end = items.length;
  while (end > 0 && isComment(items[end - 1]!)) end--;
  for (let k = end; k < items.length; k++) out.last.push(items[k] as unknown as Comment);
  let seen = 0; // forms before this point
  const pending: Comment[] = [];
  for (let k = 0; k < end; k++) {
    const x = items[k]!;
    if (isComment(x)) {
      pending.push(x as unknown as Comment);
      continue;
    }
    if (pending.length > 0) {
      const where = seen % 2 === 0 ? out.keys : out.values;
      where.set(Math.floor(seen / 2), pending.splice(0));
    }
    seen++;
  }
  return out;
}
