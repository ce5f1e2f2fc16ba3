// fennel.view inside a real VM, against the output of the reference
// implementation (Fennel 1.6 on Lua 5.4) for the same values.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVM, type VM } from "./host/vm/vm.js";

let vm: VM;
beforeAll(async () => {
  vm = await createVM();
});
afterAll(() => vm.close());

async function view(expr: string, opts = ""): Promise<string> {
  const [out] = await vm.evalString(`(let [fennel (require :fennel)] (fennel.view ${expr} ${opts}))`);
  return out as string;
}

describe("fennel.view", () => {
  it.each([
    ["[1 2 3]", "[1 2 3]"],
    ['{:a 1 :b [1 2]}', "{:a 1 :b [1 2]}"],
    ["{}", "{}"],
    ["[]", "{}"],
    ['"hello"', '"hello"'],
    [":kw", '"kw"'],
    ['"a\\"b\\\\c"', '"a\\"b\\\\c"'],
    ['"\\n"', '"\\n"'],
    ['"tab\\there"', '"tab\\there"'],
    ['"\\255x"', '"\\255x"'],
    ['"é"', '"é"'],
    ['"\\001"', '"\\001"'],
    ["1", "1"],
    ["1.0", "1.0"],
    ["-0.5", "-0.5"],
    ["1e100", "1e+100"],
    ["(/ 1 0)", ".inf"],
    ["(/ -1 0)", "-.inf"],
    ["(^ 2 53)", "9.007199254740992e+15"],
    ["(^ 2 10)", "1024.0"],
    ["true", "true"],
    ["nil", "nil"],
    ['{1 "x" :a 1 true 2}', '{1 "x" true 2 :a 1}'],
    ['{"a b" 1 :c-d 2}', '{"a b" 1 :c-d 2}'],
    ["[1 nil 3]", "{1 1 3 3}"],
    ['{:nested {:deeper [1 {:x "y"}]}}', '{:nested {:deeper [1 {:x "y"}]}}'],
    ["[[1 2] [3 4]]", "[[1 2] [3 4]]"],
  ])("%s", async (expr, expected) => {
    expect(await view(expr)).toBe(expected);
  });

  it("keeps a string's newline literal when it is longer than one character", async () => {
    expect(await view('"a\\nb"')).toBe('"a\nb"');
    expect(await view('"a\\nb"', "{:escape-newlines? true}")).toBe('"a\\nb"');
  });

  it("breaks long tables over lines, keys aligned after the brace", async () => {
    const expr = "{:alpha (string.rep :a 30) :beta (string.rep :b 30) :gamma (string.rep :c 30)}";
    expect(await view(expr)).toBe(
      `{:alpha "${"a".repeat(30)}"\n :beta "${"b".repeat(30)}"\n :gamma "${"c".repeat(30)}"}`,
    );
    const seq = `[${Array.from({ length: 30 }, (_, i) => `"item${i}"`).join(" ")}]`;
    const lines = (await view(seq)).split("\n");
    expect(lines[0]).toBe('["item0"');
    expect(lines[1]).toBe(' "item1"');
    expect(lines.at(-1)).toBe(' "item29"]');
  });

  it("puts a pair's key and value on separate lines when the value spans lines", async () => {
    expect(await view('{:k {:a "x\\ny"}}')).toBe('{:k\n {:a\n  "x\ny"}}');
  });

  it("shows functions with their address", async () => {
    expect(await view("print")).toMatch(/^#<function: (builtin: )?0x[0-9a-f]+>$/);
  });

  it("marks cycles", async () => {
    expect(await vm.evalString("(let [t {:a 1} fennel (require :fennel)] (set t.self t) (fennel.view t))")).toEqual([
      "@1{:a 1 :self @1{...}}",
    ]);
  });

  it("uses __fennelview", async () => {
    const src = `(let [fennel (require :fennel)
                       p (setmetatable {:x 1 :y 2} {:__fennelview (fn [t] (.. "#<point " t.x "," t.y ">"))})]
                   (fennel.view [p]))`;
    expect(await vm.evalString(src)).toEqual(["[#<point 1,2>]"]);
  });

  it("honours one-line? and depth", async () => {
    const expr = "{:alpha (string.rep :a 40) :beta (string.rep :b 40)}";
    expect(await view(expr, "{:one-line? true}")).toBe(`{:alpha "${"a".repeat(40)}" :beta "${"b".repeat(40)}"}`);
    expect(await view("[1 [2 [3 [4]]]]", "{:depth 2}")).toBe("[1 [...]]");
  });

  it("is what view prints from JavaScript values too", async () => {
    expect(await vm.view({ a: [1, 2], b: "c" })).toBe('{:a [1 2] :b "c"}');
  });
});
