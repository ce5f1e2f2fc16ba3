// Forms crossing between the compiler and a Lua state, built and read
// through the C API: lists, symbols, sequences, tables, varargs as the
// reference represents them (marker metatables, source fields, a table's key
// order in its metatable's `keys`), strings as bytes, numbers as integers or
// floats as their literals say.
import { Bool, Comment, List, Nil, Num, Sequence, Str, Sym, Table, Varg, type Form, type Pos, type TableComments } from "../../reader/forms.js";
import {
  LUA_TBOOLEAN,
  LUA_TNIL,
  LUA_TNONE,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  pushBytes,
  pushString,
  readBytes,
  readString,
} from "../lua-stack.js";
import type { FormTypes, VMState } from "../vm/state.js";

export type { FormTypes };

/** A value that cannot be code (a function, a cycle) was found in a form. */
export class FormConversionError extends Error {}

const MAX_DEPTH = 200;

/** The bytes Lua holds for a Fennel string (U+DC80–DCFF stand for raw bytes). */
export function stringBytes(s: string): Uint8Array {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff) {
      plain = false;
      break;
    }
  }
  if (plain) return Buffer.from(s, "utf8");
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lowAfterHigh = i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff;
    if (c >= 0xdc80 && c <= 0xdcff && !lowAfterHigh) {
      parts.push(Buffer.from(s.slice(from, i), "utf8"), Buffer.from([c - 0xdc00]));
      from = i + 1;
    }
  }
  parts.push(Buffer.from(s.slice(from), "utf8"));
  return Buffer.concat(parts);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A Lua string's bytes as a Fennel string: invalid UTF-8 bytes become U+DC00+byte. */
export function bytesString(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    let out = "";
    let i = 0;
    while (i < bytes.length) {
      const len = utf8Length(bytes, i);
      if (len > 0) {
        out += Buffer.from(bytes.subarray(i, i + len)).toString("utf8");
        i += len;
      } else {
        const b = bytes[i]!;
        out += b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xdc00 + b);
        i++;
      }
    }
    return out;
  }
}

/** Length of a valid UTF-8 sequence at `i`, or 0. */
function utf8Length(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  try {
    strictUtf8.decode(b.subarray(i, i + n));
    return n;
  } catch {
    return 0;
  }
}

const INTEGER = /^-?(?:0[xX][0-9a-fA-F]+|\d+)$/;
const MAX_I64 = 2n ** 63n - 1n;

function pushNumber(s: VMState, L: number, n: Num): void {
  if (INTEGER.test(n.text)) {
    const neg = n.text.startsWith("-");
    let v = BigInt(neg ? n.text.slice(1) : n.text);
    if (n.text.startsWith("0x", neg ? 1 : 0) || n.text.startsWith("0X", neg ? 1 : 0)) {
      // Hexadecimal integers wrap around, as Lua reads them.
      v = BigInt.asIntN(64, v);
      s.global.lua.lua_pushinteger(L, neg ? -v : v);
      return;
    }
    if (v <= MAX_I64 + (neg ? 1n : 0n)) {
      s.global.lua.lua_pushinteger(L, neg ? -v : v);
      return;
    }
  }
  s.m._lua_pushnumber(L, n.value);
}

/** The Lua text of a float, so that it reads back as the same float. */
export function floatText(v: number): string {
  if (Number.isNaN(v)) return "(0/0)";
  if (v === Infinity) return "(1/0)";
  if (v === -Infinity) return "(-1/0)";
  const t = String(v);
  return /[.eE]/.test(t) ? t : `${t}.0`;
}

function setSource(s: VMState, L: number, pos: Pos): void {
  if (pos.line <= 0) return;
  const lua = s.global.lua;
  pushString(s.m, L, pos.file);
  lua.lua_setfield(L, -2, "filename");
  lua.lua_pushinteger(L, BigInt(pos.line));
  lua.lua_setfield(L, -2, "line");
  lua.lua_pushinteger(L, BigInt(pos.col));
  lua.lua_setfield(L, -2, "col");
  lua.lua_pushinteger(L, BigInt(pos.offset + 1));
  lua.lua_setfield(L, -2, "bytestart");
  if (pos.end !== undefined) {
    lua.lua_pushinteger(L, BigInt(pos.end));
    lua.lua_setfield(L, -2, "byteend");
  }
}

/** Push `f` onto `L` as the reference's AST would hold it. */
export function pushForm(s: VMState, L: number, f: Form, t: FormTypes): void {
  const lua = s.global.lua;
  const m = s.m;
  if (f instanceof Str) return pushBytes(m, L, stringBytes(f.value));
  if ((f as unknown) instanceof Comment) return pushComment(s, L, f as unknown as Comment, t);
  if (f instanceof Num) return pushNumber(s, L, f);
  if (f instanceof Bool) return m._lua_pushboolean(L, f.value ? 1 : 0);
  if (f instanceof Sym || f instanceof Nil || f instanceof Varg) {
    m._lua_createtable(L, 1, 5);
    pushString(m, L, f instanceof Sym ? f.name : f instanceof Nil ? "nil" : "...");
    lua.lua_rawseti(L, -2, 1n);
    setSource(s, L, f.pos);
    s.reg.push(L, f instanceof Varg ? t.varg : t.sym);
    lua.lua_setmetatable(L, -2);
    return;
  }
  if (f instanceof List || f instanceof Sequence) {
    m._lua_createtable(L, f.items.length, 5);
    f.items.forEach((item, i) => {
      pushForm(s, L, item, t);
      lua.lua_rawseti(L, -2, BigInt(i + 1));
    });
    if (f instanceof List) {
      setSource(s, L, f.pos);
      s.reg.push(L, t.list);
    } else {
      m._lua_createtable(L, 0, 7);
      setSource(s, L, f.pos);
      s.reg.push(L, t.sequenceMarker);
      lua.lua_setfield(L, -2, "sequence");
      if (!f.quoted) {
        s.reg.push(L, t.sequenceView);
        lua.lua_setfield(L, -2, "__fennelview");
      }
    }
    lua.lua_setmetatable(L, -2);
    return;
  }
  if (f instanceof Table && f.comments !== undefined) return pushCommentedTable(s, L, f, f.comments, t);
  if (f instanceof Table) {
    m._lua_createtable(L, 0, f.entries.length);
    const top = m._lua_gettop(L);
    for (const [k, v] of f.entries) {
      pushForm(s, L, k, t);
      pushForm(s, L, v, t);
      m._lua_rawset(L, top);
    }
    m._lua_createtable(L, 0, 6);
    m._lua_createtable(L, f.entries.length, 0);
    f.entries.forEach(([k], i) => {
      pushForm(s, L, k, t);
      lua.lua_rawseti(L, -2, BigInt(i + 1));
    });
    lua.lua_setfield(L, -2, "keys");
    setSource(s, L, f.pos);
    lua.lua_setmetatable(L, -2);
    return;
  }
  throw new FormConversionError(`cannot pass this form to Lua: ${String(f)}`);
}

/** A comment as utils.comment makes it: {text, filename=…, line=…}. */
function pushComment(s: VMState, L: number, c: Comment, t: FormTypes): void {
  s.m._lua_createtable(L, 1, 2);
  pushString(s.m, L, c.text);
  s.global.lua.lua_rawseti(L, -2, 1n);
  pushString(s.m, L, c.pos.file);
  s.global.lua.lua_setfield(L, -2, "filename");
  s.global.lua.lua_pushinteger(L, BigInt(c.pos.line));
  s.global.lua.lua_setfield(L, -2, "line");
  s.reg.push(L, t.comment);
  s.global.lua.lua_setmetatable(L, -2);
}

/**
 * A table literal read with its comments: as the reference's parser leaves
 * it, the metatable holds `comments` = {keys = {[key] = {comment…}}, values =
 * {[value] = {…}}, last = {…}} beside the key order.
 */
function pushCommentedTable(s: VMState, L: number, f: Table, comments: TableComments, t: FormTypes): void {
  const lua = s.global.lua;
  const m = s.m;
  // Each key and value is pushed once, so the comments can be indexed by the very same Lua values.
  m._lua_createtable(L, f.entries.length * 2, 0);
  const pushed = m._lua_gettop(L);
  f.entries.forEach(([k, v], i) => {
    pushForm(s, L, k, t);
    lua.lua_rawseti(L, pushed, BigInt(2 * i + 1));
    pushForm(s, L, v, t);
    lua.lua_rawseti(L, pushed, BigInt(2 * i + 2));
  });
  m._lua_createtable(L, 0, f.entries.length);
  const tbl = m._lua_gettop(L);
  for (let i = 0; i < f.entries.length; i++) {
    lua.lua_rawgeti(L, pushed, BigInt(2 * i + 1));
    lua.lua_rawgeti(L, pushed, BigInt(2 * i + 2));
    m._lua_rawset(L, tbl);
  }
  m._lua_createtable(L, 0, 7);
  m._lua_createtable(L, f.entries.length, 0);
  for (let i = 0; i < f.entries.length; i++) {
    lua.lua_rawgeti(L, pushed, BigInt(2 * i + 1));
    lua.lua_rawseti(L, -2, BigInt(i + 1));
  }
  lua.lua_setfield(L, -2, "keys");
  m._lua_createtable(L, 0, 3);
  for (const [name, byEntry, offset] of [["keys", comments.keys, 1], ["values", comments.values, 2]] as const) {
    m._lua_createtable(L, 0, byEntry.size);
    for (const [entry, list] of byEntry) {
      lua.lua_rawgeti(L, pushed, BigInt(2 * entry + offset));
      pushCommentList(s, L, list, t);
      m._lua_rawset(L, -3);
    }
    lua.lua_setfield(L, -2, name);
  }
  pushCommentList(s, L, comments.last, t);
  lua.lua_setfield(L, -2, "last");
  lua.lua_setfield(L, -2, "comments");
  setSource(s, L, f.pos);
  lua.lua_setmetatable(L, -2);
  lua.lua_rotate(L, pushed, -1);
  m._lua_settop(L, -2);
}

function pushCommentList(s: VMState, L: number, list: Comment[], t: FormTypes): void {
  s.m._lua_createtable(L, list.length, 0);
  list.forEach((c, i) => {
    pushComment(s, L, c, t);
    s.global.lua.lua_rawseti(L, -2, BigInt(i + 1));
  });
}

function getNumberField(s: VMState, L: number, idx: number, name: string): number | undefined {
  const ty = s.global.lua.lua_getfield(L, idx, name);
  const v = ty === LUA_TNUMBER ? s.m._lua_tonumberx(L, -1, 0) : undefined;
  s.m._lua_settop(L, -2);
  return v;
}

function getStringField(s: VMState, L: number, idx: number, name: string): string | undefined {
  const ty = s.global.lua.lua_getfield(L, idx, name);
  const v = ty === LUA_TSTRING ? readString(s.m, L, -1) : undefined;
  s.m._lua_settop(L, -2);
  return v;
}

/** The source position recorded on the table at `idx`, else `fallback`. */
function sourceOf(s: VMState, L: number, idx: number, fallback: Pos): Pos {
  const line = getNumberField(s, L, idx, "line");
  if (line === undefined || line <= 0) return fallback;
  const start = getNumberField(s, L, idx, "bytestart");
  const end = getNumberField(s, L, idx, "byteend");
  return {
    file: getStringField(s, L, idx, "filename") ?? fallback.file,
    line,
    col: getNumberField(s, L, idx, "col") ?? 0,
    offset: start !== undefined ? start - 1 : 0,
    ...(end !== undefined ? { end } : {}),
  };
}

/** Is the metatable at the top of the stack the one at registry `ref`? Pops nothing. */
function isRef(s: VMState, L: number, ref: number): boolean {
  s.reg.push(L, ref);
  const same = s.global.lua.lua_rawequal(L, -1, -2) !== 0;
  s.m._lua_settop(L, -2);
  return same;
}

/** The largest positive integer key of the table at `idx`. */
function maxIndex(s: VMState, L: number, idx: number): number {
  const m = s.m;
  let n = 0;
  m._lua_pushnil(L);
  while (m._lua_next(L, idx) !== 0) {
    if (m._lua_type(L, -2) === LUA_TNUMBER && m._lua_isinteger(L, -2)) {
      const k = m._lua_tonumberx(L, -2, 0);
      if (k > n) n = k;
    }
    m._lua_settop(L, -2);
  }
  return n;
}

function readItems(s: VMState, L: number, idx: number, n: number, pos: Pos, t: FormTypes, path: Set<number>): Form[] {
  const items: Form[] = [];
  for (let i = 1; i <= n; i++) {
    s.global.lua.lua_rawgeti(L, idx, BigInt(i));
    items.push(readAt(s, L, -1, pos, t, path));
    s.m._lua_settop(L, -2);
  }
  return items;
}

function countKeys(s: VMState, L: number, idx: number): number {
  const m = s.m;
  let n = 0;
  m._lua_pushnil(L);
  while (m._lua_next(L, idx) !== 0) {
    n++;
    m._lua_settop(L, -2);
  }
  return n;
}

/** Keys of the table at `idx` in the order the reference iterates a parsed table. */
function orderedKeys(s: VMState, L: number, idx: number, pos: Pos, t: FormTypes, path: Set<number>): Array<[Form, number]> {
  const m = s.m;
  const lua = s.global.lua;
  // Each key is read, and kept in a scratch table so it can be pushed again.
  m._lua_createtable(L, 0, 0);
  const scratch = m._lua_gettop(L);
  const keys: Array<{ form: Form; slot: number; rank: number; sortKey: string | number }> = [];
  m._lua_pushnil(L);
  while (m._lua_next(L, idx) !== 0) {
    m._lua_settop(L, -2);
    const form = readAt(s, L, -1, pos, t, path);
    m._lua_pushvalue(L, -1);
    lua.lua_rawseti(L, scratch, BigInt(keys.length + 1));
    const ty = m._lua_type(L, -1);
    const rank = ty === LUA_TNUMBER ? 1 : ty === LUA_TBOOLEAN ? 2 : ty === LUA_TSTRING ? 3 : ty === LUA_TTABLE ? 4 : 5;
    const sortKey = ty === LUA_TNUMBER ? m._lua_tonumberx(L, -1, 0) : ty === LUA_TSTRING ? readString(m, L, -1) : keySortText(form);
    keys.push({ form, slot: keys.length + 1, rank, sortKey });
  }
  // The order the parser saw, from the metatable's `keys`, comes first.
  const given: number[] = [];
  if (lua.lua_getmetatable(L, idx) !== 0) {
    if (lua.lua_getfield(L, -1, "keys") === LUA_TTABLE) {
      const keysIdx = m._lua_gettop(L);
      const n = m._lua_rawlen(L, keysIdx);
      for (let i = 1; i <= n; i++) {
        lua.lua_rawgeti(L, keysIdx, BigInt(i));
        for (const k of keys) {
          lua.lua_rawgeti(L, scratch, BigInt(k.slot));
          const same = lua.lua_rawequal(L, -1, -2) !== 0;
          m._lua_settop(L, -2);
          if (same && !given.includes(k.slot)) {
            given.push(k.slot);
            break;
          }
        }
        m._lua_settop(L, -2);
      }
    }
    m._lua_settop(L, -3);
  }
  const rest = keys.filter((k) => !given.includes(k.slot));
  rest.sort((a, b) => (a.rank !== b.rank ? a.rank - b.rank : a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const order = [...given.map((slot) => keys[slot - 1]!), ...rest];
  const out: Array<[Form, number]> = order.map((k) => [k.form, k.slot]);
  // The scratch table stays on the stack for the caller to fetch values by slot.
  return out;
}

function keySortText(f: Form): string {
  return f instanceof Bool ? String(f.value) : f.kind;
}

/** Read the Lua value at `idx` as a form; `pos` stands in where it has none. */
export function readForm(s: VMState, L: number, idx: number, pos: Pos, t: FormTypes): Form {
  return readAt(s, L, s.m._lua_absindex(L, idx), pos, t, new Set());
}

function readAt(s: VMState, L: number, idx: number, pos: Pos, t: FormTypes, path: Set<number>): Form {
  const m = s.m;
  const lua = s.global.lua;
  idx = m._lua_absindex(L, idx);
  switch (m._lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL:
      return new Nil(pos);
    case LUA_TBOOLEAN:
      return new Bool(m._lua_toboolean(L, idx) !== 0, pos);
    case LUA_TNUMBER:
      if (m._lua_isinteger(L, idx)) {
        const v = lua.lua_tointegerx(L, idx, null);
        return new Num(String(v), Number(v), pos);
      } else {
        const v = m._lua_tonumberx(L, idx, 0);
        return new Num(floatText(v), v, pos);
      }
    case LUA_TSTRING:
      return new Str(bytesString(readBytes(m, L, idx)), pos);
    case LUA_TTABLE:
      break;
    default:
      throw new FormConversionError(`could not compile value of type ${s.global.lua.lua_typename(L, m._lua_type(L, idx))}`);
  }
  const ptr = m._lua_topointer(L, idx);
  if (path.has(ptr) || path.size > MAX_DEPTH) throw new FormConversionError("cannot compile a form that contains itself");
  path.add(ptr);
  try {
    const top = m._lua_gettop(L);
    if (lua.lua_getmetatable(L, idx) !== 0) {
      if (isRef(s, L, t.sym)) {
        m._lua_settop(L, top);
        lua.lua_rawgeti(L, idx, 1n);
        const name = m._lua_type(L, -1) === LUA_TSTRING ? readString(m, L, -1) : "";
        m._lua_settop(L, top);
        const p = sourceOf(s, L, idx, pos);
        if (name === "nil") return new Nil(p);
        const sym = new Sym(name, p);
        s.global.lua.lua_getfield(L, idx, "quoted");
        if (m._lua_toboolean(L, -1) !== 0) sym.quoted = true;
        m._lua_settop(L, top);
        return sym;
      }
      if (isRef(s, L, t.list)) {
        m._lua_settop(L, top);
        const p = sourceOf(s, L, idx, pos);
        return new List(readItems(s, L, idx, maxIndex(s, L, idx), p, t, path), p);
      }
      if (isRef(s, L, t.varg)) {
        m._lua_settop(L, top);
        return new Varg(sourceOf(s, L, idx, pos));
      }
      if (isRef(s, L, t.comment)) {
        m._lua_settop(L, top);
        return new Nil(pos);
      }
      lua.lua_getfield(L, -1, "sequence");
      const isSeq = isRef(s, L, t.sequenceMarker);
      m._lua_settop(L, -2);
      const hasView = lua.lua_getfield(L, -1, "__fennelview") !== LUA_TNIL;
      m._lua_settop(L, -2);
      const p = sourceOf(s, L, -1, pos);
      m._lua_settop(L, top);
      if (isSeq) {
        const seq = new Sequence(readItems(s, L, idx, maxIndex(s, L, idx), p, t, path), p);
        if (!hasView) seq.quoted = true;
        return seq;
      }
      return readTable(s, L, idx, p, t, path);
    }
    return readTable(s, L, idx, pos, t, path);
  } finally {
    path.delete(ptr);
  }
}

function readTable(s: VMState, L: number, idx: number, pos: Pos, t: FormTypes, path: Set<number>): Form {
  const m = s.m;
  const lua = s.global.lua;
  const top = m._lua_gettop(L);
  // A plain table of keys 1..n is a sequence, as the reference's compiler sees any table it can ipairs.
  const n = m._lua_rawlen(L, idx);
  if (Number(n) > 0 && countKeys(s, L, idx) === Number(n) && lua.lua_getmetatable(L, idx) === 0) {
    const seq = new Sequence(readItems(s, L, idx, Number(n), pos, t, path), pos);
    seq.quoted = true;
    return seq;
  }
  m._lua_settop(L, top);
  const keys = orderedKeys(s, L, idx, pos, t, path);
  const scratch = m._lua_gettop(L);
  const entries: Array<[Form, Form]> = [];
  for (const [key, slot] of keys) {
    lua.lua_rawgeti(L, scratch, BigInt(slot));
    lua.lua_rawget(L, idx);
    entries.push([key, readAt(s, L, -1, pos, t, path)]);
    m._lua_settop(L, -2);
  }
  m._lua_settop(L, top);
  return new Table(entries, pos);
}
