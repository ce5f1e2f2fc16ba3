// Reader tests: positions, literals, prefixes and parse errors.
import { describe, expect, it } from "vitest";
import { FennelError } from "../errors.js";
import { List, Num, Sequence, Str, Sym, Table } from "./forms.js";
import { printForm } from "./print.js";
import { readAll } from "./reader.js";

function one(src: string) {
  const forms = readAll(src, "t.fnl");
  expect(forms).toHaveLength(1);
  return forms[0]!;
}

function parseError(src: string): FennelError {
  try {
    readAll(src, "t.fnl");
  } catch (e) {
    if (e instanceof FennelError) return e;
    throw e;
  }
  throw new Error("expected a parse error");
}

describe("reader", () => {
  it("records file, line, column, offset and end", () => {
    const [a, b] = readAll("(print 1)\n  (foo\n   bar)", "t.fnl");
    expect(a!.pos).toEqual({ file: "t.fnl", line: 1, col: 0, offset: 0, end: 9, endLine: 1 });
    const l = b as List;
    expect(l.pos).toMatchObject({ line: 2, col: 2, offset: 12 });
    expect(l.items[1]!.pos).toMatchObject({ line: 3, col: 3 });
  });

  it("reads numbers as Lua literals", () => {
    const texts = (one("[1 -2 3.5 1e3 0xff 0x1p4 1_000 .5 -.5 +7 0x1_F]") as Sequence).items.map((n) => (n as Num).text);
    expect(texts).toEqual(["1", "-2", "3.5", "1e3", "0xff", "0x1p4", "1000", ".5", "-.5", "7", "0x1F"]);
    expect((one("0x10") as Num).value).toBe(16);
    expect(one("-") instanceof Sym).toBe(true);
    expect(one("-x") instanceof Sym).toBe(true);
  });

  it("reads strings with every escape", () => {
    expect((one(String.raw`"a\tb\n\\\"\65\x42\u{43}"`) as Str).value).toBe('a\tb\n\\"ABC');
    expect((one('"one\\z\n    two"') as Str).value).toBe("onetwo");
    expect((one('"multi\nline"') as Str).value).toBe("multi\nline");
    expect((one(":kw") as Str).value).toBe("kw");
    expect((one(String.raw`"\xff"`) as Str).value.charCodeAt(0)).toBe(0xdcff);
  });

  it("expands prefixes and table shorthand", () => {
    expect(printForm(one("#(+ $1 1)"))).toBe("(hashfn (+ $1 1))");
    expect(printForm(one("'x"))).toBe("(quote x)");
    expect(printForm(one("`(a ,b)"))).toBe("(quote (a (unquote b)))");
    const t = one("{: x :y 2}") as Table;
    expect(t.entries.map(([k]) => (k as Str).value)).toEqual(["x", "y"]);
    expect((t.entries[0]![1] as Sym).name).toBe("x");
    expect(one("# ") instanceof Sym).toBe(true);
    expect(printForm(one("#foo"))).toBe("(hashfn foo)");
    expect(printForm(one("(# t)"))).toBe("(# t)");
  });

  it("skips comments and a shebang line", () => {
    expect(readAll("#!/usr/bin/env fennel\n; c\n(a) ; d\n", "t.fnl")).toHaveLength(1);
  });

  it("reports parse errors with positions", () => {
    expect(parseError("(print 1").message).toMatch(/^t\.fnl:1:8: Parse error: expected closing delimiter \)/);
    expect(parseError("(a [b\n").message).toMatch(/^t\.fnl:2:0: Parse error: expected closing delimiters \)\]/);
    expect(parseError("\n(a))").message).toMatch(/^t\.fnl:2:3: Parse error: unexpected closing delimiter \)/);
    expect(parseError("[1 2)").reason).toBe("mismatched closing delimiter ), expected ]");
    expect(parseError("{:a}").reason).toBe("expected even number of values in table literal");
    expect(parseError("(x 1abc)").reason).toBe('could not read number "1abc"');
    expect(parseError('(x "abc').reason).toBe('expected closing delimiters )"');
    expect(parseError("(a ' )").reason).toBe("invalid whitespace after quoting prefix");
    expect(parseError(String.raw`"\q"`).reason).toBe("invalid escape sequence \\q");
  });
});
