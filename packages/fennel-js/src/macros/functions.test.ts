import { describe, expect, it } from "vitest";
import { compileError, expand, runFennel } from "./testing.js";

const REPORT = `(fn report [ok msg] (print ok (pick-values 1 (msg:gsub "^.-:%d+: " ""))))`;

describe("partial", () => {
  it("prepends fixed arguments, evaluated once", async () => {
    const out = await runFennel(`
      (fn add [x y z] (+ x y (or z 0)))
      (var n 0)
      (fn next! [] (set n (+ n 1)) n)
      (local p (partial add (next!)))
      (print ((partial add 2) 3) ((partial add 2 3)) (p 10) (p 10 1) n)
      (print ((partial select 2) :x :y :z))`);
    expect(out).toBe("5\t5\t11\t12\t1\ny\tz\n");
  });

  it("binds only arguments that are not literals or plain names", () => {
    expect(expand("(partial f 1 x (g))")).toBe("(let [arg_1_ (g)] (fn [...] (f 1 x arg_1_ ...)))");
    expect(expand("(partial f)")).toBe("(fn [...] (f ...))");
    expect(compileError("(partial)").reason).toBe("expected a function to partially apply");
  });
});

describe("lambda", () => {
  it("checks non-? arguments, last first, naming the argument and its line, at the caller's level", async () => {
    const out = await runFennel(
      `${REPORT}
(local add (lambda [x ?y z] (+ x (or ?y 0) z)))
(print (add 1 nil 2))
(report (pcall add 1 2))
(report (pcall (λ [a b] a)))
(report (pcall (lambda [{: k} [v]] v) {} [1]))
(print ((lambda [_x y] y) nil 2))`,
      "lam.fnl",
    );
    expect(out).toBe(
      [
        "3",
        "false\tMissing argument z on lam.fnl:2",
        "false\tMissing argument b on lam.fnl:5",
        "false\tMissing argument k on lam.fnl:6",
        "2",
        "",
      ].join("\n"),
    );
  });

  it("keeps names, docstrings and metadata ahead of the checks", () => {
    expect(expand('(lambda f [a] "doc" a)')).toBe(
      '(fn f [a] "doc" (if (= nil a) (_G.error "Missing argument a on test.fnl:1" 2)) a)',
    );
    expect(expand("(lambda [a ... &as] {:m 1} a)")).toBe(
      '(fn [a ... &as] {"m" 1} (if (= nil a) (_G.error "Missing argument a on test.fnl:1" 2)) a)',
    );
    expect(expand('(lambda [] "just a value")')).toBe('(fn [] "just a value")');
    expect(expand("(lambda [x])")).toBe('(fn [x] (if (= nil x) (_G.error "Missing argument x on test.fnl:1" 2)) nil)');
    expect(compileError("(lambda x)").reason).toBe("expected arg list");
  });
});

describe("pick-values", () => {
  it("pads with nil and truncates", async () => {
    const out = await runFennel(`
      (print (pick-values 2 (table.unpack [:a :b :c])))
      (print (select :# (pick-values 5 :one :two)) (select :# (pick-values 0 :a :b)))
      (print (pick-values 3 1))
      (var hit false)
      (pick-values 0 (do (set hit true) :x))
      (print hit)`);
    expect(out).toBe("a\tb\n5\t0\n1\tnil\tnil\ntrue\n");
  });

  it("wants a literal count", () => {
    expect(compileError("(local n 2) (pick-values n 1)").reason).toBe("Expected n to be an integer >= 0, got n");
    expect(compileError("(pick-values -1 1)").reason).toBe("Expected n to be an integer >= 0, got -1");
  });
});
