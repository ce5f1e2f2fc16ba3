// User macro tests: definitions, macro modules through readFile, forms
// crossing to the compile-time VM and back, and macro errors with positions.
import { beforeAll, describe, expect, it } from "vitest";
import { warmUp } from "../host/engine.js";
import { FennelError } from "../errors.js";
import { compileString } from "../compile-string.js";

const modules: Record<string, string> = {
  "./helpers.fnl": "(fn twice [x] `(do ,x ,x))\n(fn kind [x] (if (list? x) :list (sym? x) :sym (sequence? x) :seq :other))\n{: twice : kind}",
};
const readFile = (p: string) => modules[p];

function compileError(src: string): FennelError {
  try {
    compileString(src, { filename: "m.fnl", readFile });
  } catch (e) {
    if (e instanceof FennelError) return e;
    throw e;
  }
  throw new Error("expected a compile error");
}

describe("user macros", () => {
  beforeAll(() => warmUp());

  it("expands a macro defined in the file, with auto-gensyms", () => {
    const { lua } = compileString("(macro swap! [a b] `(let [t# ,a] (set ,a ,b) (set ,b t#)))\n(var x 1) (var y 2) (swap! x y)", {
      filename: "m.fnl",
    });
    expect(lua).toMatch(/local t_\d+_auto = x/);
    expect(lua).toContain("x = y");
  });

  it("imports macros from a module found through readFile", () => {
    const { lua } = compileString('(import-macros {: twice : kind} :helpers)\n(twice (print (kind (a b)) (kind [1])))', {
      filename: "m.fnl",
      readFile,
    });
    expect(lua.match(/print\("list", "seq"\)/g)).toHaveLength(2);
  });

  it("reports assert-compile at the offending form's line", () => {
    const e = compileError('(macro need-sym [x] (assert-compile (sym? x) "expected a symbol" x) x)\n(print\n  (need-sym "no"))');
    expect(e.message).toMatch(/^m\.fnl:3:\d+: Compile error: expected a symbol/);
  });

  it("turns a Lua error in a macro into a compile error at the call", () => {
    const e = compileError('(macro boom [] (error "kaput"))\n\n(boom)');
    expect(e.line).toBe(3);
    expect(e.message).toContain("kaput");
  });

  it("does not need the compile-time VM for files without macros", () => {
    expect(compileString("(print :plain)", { filename: "m.fnl" }).lua).toBe('return print("plain")\n');
  });
});
