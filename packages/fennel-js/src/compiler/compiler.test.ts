// Compiler tests: compiled Lua runs on a real Lua 5.4 (wasmoon); source
// maps, strict globals and error formatting.
import { LuaFactory, type LuaEngine } from "wasmoon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FennelError } from "../errors.js";
import type { CompileOptions } from "../types.js";
import { compileString } from "../compile-string.js";
import { warmUp } from "../host/engine.js";

let lua: LuaEngine;
let out: string[] = [];

beforeAll(async () => {
  lua = await new LuaFactory().createEngine();
  lua.global.set("__out", (s: string) => out.push(s));
  lua.doStringSync(
    "print = function(...) local t = {} for i = 1, select('#', ...) do t[i] = tostring((select(i, ...))) end __out(table.concat(t, '\\t')) end",
  );
});
afterAll(() => lua.global.close());

function run(src: string, options: CompileOptions = {}): string[] {
  out = [];
  lua.doStringSync(compileString(src, { filename: "t.fnl", ...options }).lua);
  return out;
}

function compileError(src: string, options: CompileOptions = {}): FennelError {
  try {
    compileString(src, { filename: "t.fnl", ...options });
  } catch (e) {
    if (e instanceof FennelError) return e;
    throw e;
  }
  throw new Error("expected a compile error");
}

describe("compileString", () => {
  beforeAll(() => warmUp());

  it("keeps multiple values only in last position", () => {
    expect(run("(fn f [] (values 1 2)) (print (f) (f))")).toEqual(["1\t1\t2"]);
    expect(run("(fn f [] (values 1 2)) (print [(f) (f)] (length [(f) (f)]))")[0]).toMatch(/\t3$/);
    expect(run("(fn f [] (values 1 2)) (print (if true (f)))")).toEqual(["1\t2"]);
    expect(run("(fn f [] (values 1 2)) (local x (f)) (print x)")).toEqual(["1"]);
  });

  it("mangles names and gives shadowed names distinct Lua names", () => {
    expect(run("(local foo-bar 1) (local foo_bar 2) (local end 3) (print foo-bar foo_bar end)")).toEqual(["1\t2\t3"]);
    expect(run("(let [x 1] (let [x (+ x 1)] (print x)) (print x))")).toEqual(["2", "1"]);
  });

  it("checks globals strictly unless told otherwise", () => {
    const e = compileError("(print 1)\n(frobnicate 2)");
    expect(e.message).toMatch(/^t\.fnl:2:1: Compile error: unknown identifier: frobnicate/);
    expect(e.message).toContain("* Try looking to see if there's a typo.");
    expect(() => compileString("(runtime.sh 1)", { allowedGlobals: ["runtime"] })).not.toThrow();
    expect(() => compileString("(anything 1)", { allowedGlobals: false })).not.toThrow();
  });

  it("maps every Lua line to a Fennel line", () => {
    const r = compileString('(local x 1)\n\n(fn f [a]\n  (if a\n      (print "yes")\n      (print "no")))\n(f x)', {
      filename: "t.fnl",
    });
    const luaLines = r.lua.trimEnd().split("\n");
    expect(r.sourceMap.lines.length).toBe(luaLines.length + 1);
    luaLines.forEach((l, i) => {
      const fnl = r.sourceMap.lines[i + 1];
      if (l.includes('"yes"')) expect(fnl).toBe(5);
      if (l.includes('"no"')) expect(fnl).toBe(6);
      if (l.startsWith("local x")) expect(fnl).toBe(1);
    });
  });

  it("compiles method calls, multisyms and table access", () => {
    expect(run('(local s "ab") (local t {:s s :n {:m 5}}) (print (s:upper) (t.s:rep 2) t.n.m (. t :n :m) (: s :len))')).toEqual([
      "AB\tabab\t5\t5\t2",
    ]);
  });

  it("keeps and/or short-circuiting when operands need statements", () => {
    expect(run("(var n 0) (fn b [] (set n (+ n 1)) true) (print (or true (let [x (b)] x)) n)")).toEqual(["true\t0"]);
  });

  it("runs user macros in the compile-time VM", () => {
    expect(run("(macro twice [x] `(do ,x ,x)) (twice (print :hi))")).toEqual(["hi", "hi"]);
  });
});
