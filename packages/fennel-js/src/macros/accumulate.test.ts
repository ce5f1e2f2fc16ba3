import { describe, expect, it } from "vitest";
import { compileError, expand, runFennel } from "./testing.js";

describe("accumulate and faccumulate", () => {
  it("fold with one or several accumulators", async () => {
    const out = await runFennel(`
      (print (accumulate [sum 0 _ n (ipairs [10 20 30 40])] (+ sum n)))
      (print (accumulate [(lo hi) (values 100 -100) _ n (ipairs [3 9 1 4])]
               (values (math.min lo n) (math.max hi n))))
      (print (accumulate [x 0 _ n (ipairs [1 2 3 4 5]) &until (> x 5)] (+ x n)))
      (print (faccumulate [n 0 i 1 5] (+ n i)) (faccumulate [s "" i 10 1 -3] (.. s i)))`);
    expect(out).toBe("100\n1\t9\n6\n15\t10741\n");
  });

  it("expands to a var updated by each or for", () => {
    expect(expand("(accumulate [a 0 _ x (ipairs t)] (+ a x))")).toBe(
      "(do (var a 0) (each [_ x (ipairs t)] (set a (+ a x))) a)",
    );
    expect(expand("(faccumulate [(a b) (values 0 1) i 1 3] (values b a))")).toBe(
      "(do (var (a b) (values 0 1)) (for [i 1 3] (set (a b) (values b a))) (values a b))",
    );
  });

  it("needs an accumulator, an iterator and exactly one body", () => {
    expect(compileError("(accumulate [a 0] a)").reason).toBe("expected initial value and iterator binding table");
    expect(compileError("(faccumulate [a 0 i 1 2])").reason).toBe("expected body expression");
    expect(compileError("(accumulate [a 0 _ x (ipairs [])] a a)").reason).toBe(
      "expected exactly one body expression. Wrap multiple expressions in do",
    );
  });
});
