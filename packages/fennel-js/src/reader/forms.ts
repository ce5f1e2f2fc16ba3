// The forms the reader produces and the compiler and macros consume.
// Every form carries its source position; macro-built forms borrow the
// position of the form they were expanded from.

/** A position in Fennel source: 1-based line, 0-based column, byte offset. */
export interface Pos {
  file: string;
  line: number;
  col: number;
  offset: number;
  /** Where the form ends: the 1-based offset of its last character, when known. */
  end?: number;
  /** The line the form ends on, when known. */
  endLine?: number;
}

export const NO_POS: Pos = { file: "unknown", line: 0, col: 0, offset: 0 };

export type Form = List | Sequence | Table | Sym | Str | Num | Bool | Nil | Varg;

/** `( ... )`: a call, special form or macro use. */
export class List {
  readonly kind = "list";
  constructor(
    public items: Form[],
    public pos: Pos = NO_POS,
  ) {}
}

/** `[ ... ]`: a sequential table literal, or a binding vector. */
export class Sequence {
  readonly kind = "sequence";
  /** Built by a macro's quote rather than read: view shows it empty as `{}`, as the reference does. */
  quoted?: boolean;
  constructor(
    public items: Form[],
    public pos: Pos = NO_POS,
  ) {}
}

/**
 * A `;` comment, read only when the reader is asked to keep comments (for
 * tools reading code through fennel.parser); never given to the compiler.
 */
export class Comment {
  readonly kind = "comment";
  constructor(
    public text: string,
    public pos: Pos = NO_POS,
  ) {}
}

/** Comments of a table literal: before an entry's key or value (by entry index), or after the last entry. */
export interface TableComments {
  keys: Map<number, Comment[]>;
  values: Map<number, Comment[]>;
  last: Comment[];
}

/** `{ k v ... }`: a key/value table; entries stay in source order. */
export class Table {
  readonly kind = "table";
  /** Kept comments, when the reader keeps them. */
  comments?: TableComments;
  constructor(
    public entries: Array<[Form, Form]>,
    public pos: Pos = NO_POS,
  ) {}
}

/**
 * A symbol. `name` is the full text (`a.b.c`, `obj:method`, `foo?`).
 * Multisym splitting and mangling are the compiler's business.
 */
export class Sym {
  readonly kind = "sym";
  /** Written in a macro's quote without `#`: binding it is an error. */
  quoted?: boolean;
  /** Bound as a Lua 5.4 `<close>` local (with-open under the toBeClosed option). */
  attrib?: "close";
  constructor(
    public name: string,
    public pos: Pos = NO_POS,
  ) {}
}

/** A string literal, including `:keyword` strings. */
export class Str {
  readonly kind = "str";
  constructor(
    public value: string,
    public pos: Pos = NO_POS,
  ) {}
}

/**
 * A number literal. `text` is the Lua literal to emit (underscores removed,
 * `1e3` stays a float, `0xff` an integer); `value` is its JavaScript value.
 */
export class Num {
  readonly kind = "num";
  constructor(
    public text: string,
    public value: number,
    public pos: Pos = NO_POS,
  ) {}
}

export class Bool {
  readonly kind = "bool";
  constructor(
    public value: boolean,
    public pos: Pos = NO_POS,
  ) {}
}

export class Nil {
  readonly kind = "nil";
  constructor(public pos: Pos = NO_POS) {}
}

/** `...` */
export class Varg {
  readonly kind = "varg";
  constructor(public pos: Pos = NO_POS) {}
}

// Small constructors for macro code: `list(sym("if"), test, body)`.
export function list(items: Form[], pos?: Pos): List {
  return new List(items, pos);
}
export function seq(items: Form[], pos?: Pos): Sequence {
  return new Sequence(items, pos);
}
export function sym(name: string, pos?: Pos): Sym {
  return new Sym(name, pos);
}
export function str(value: string, pos?: Pos): Str {
  return new Str(value, pos);
}
export function num(value: number, pos?: Pos): Num {
  return new Num(String(value), value, pos);
}

export function isList(f: Form | undefined): f is List {
  return f instanceof List;
}
export function isSym(f: Form | undefined, name?: string): f is Sym {
  return f instanceof Sym && (name === undefined || f.name === name);
}
export function isSequence(f: Form | undefined): f is Sequence {
  return f instanceof Sequence;
}
export function isTable(f: Form | undefined): f is Table {
  return f instanceof Table;
}
