import { describe, expect, it } from "vitest";
import type { List } from "../reader/forms.js";
import { readAll } from "../reader/reader.js";
import { builtinMacros } from "./index.js";
import { expand, runFennel, show, testContext } from "./testing.js";

describe("-> and ->>", () => {
  it("splice the value first or last into each form", () => {
    expect(expand("(-> x (f 1) g)")).toBe("(g (f x 1))");
    expect(expand("(->> x (f 1) g)")).toBe("(g (f 1 x))");
    expect(expand("(-> x)")).toBe("x");
  });

  it("leave the forms they were given unchanged", () => {
    const form = readAll("(-> x (f 1) (g 2))")[0] as List;
    const before = show(form);
    const macro = builtinMacros.get("->")!;
    expect(show(macro(form, testContext()))).toBe("(g (f x 1) 2)");
    expect(show(macro(form, testContext()))).toBe("(g (f x 1) 2)");
    expect(show(form)).toBe(before);
  });

  it("run with multiple values passing through", async () => {
    const out = await runFennel(`
      (fn sub [a b] (- a b))
      (print (-> 10 (sub 3) (sub 1)))
      (print (->> 10 (sub 3) (sub 1)))
      (print (-> 2 (values 3 4)))`);
    expect(out).toBe("6\n8\n2\t3\t4\n");
  });

  it("thread through method calls and lookups", async () => {
    const out = await runFennel(`
      (local t {:n 2 :inner {:v 9}})
      (fn t.scale [self k] (* self.n k))
      (print (-> t (: :scale 5)) (-> t (. :inner) (. :v)) (-> :abc string.upper))`);
    expect(out).toBe("10\t9\tABC\n");
  });

  it("yield nil when given nothing, like the reference", async () => {
    expect(await runFennel("(print (->) (->>) (-?>) (-?>>))")).toBe("nil\tnil\tnil\tnil\n");
  });
});
