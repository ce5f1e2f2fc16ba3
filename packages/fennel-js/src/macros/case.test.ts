import { describe, expect, it } from "vitest";
import { compileError, expand, runFennel } from "./testing.js";

describe("case", () => {
  it("matches literals, tables, nested tables, rest and &as", async () => {
    const out = await runFennel(`
      (fn classify [x]
        (case x
          59 :fifty-nine
          [1 a b] (+ a b)
          {:kind :circle : radius} (.. "circle " radius)
          [h & tail] (.. h "+" (length tail))
          _ :other))
      (print (classify 59) (classify [1 2 3]) (classify {:kind :circle :radius 4}) (classify [:x :y :z]) (classify :s))
      (print (case [1 [2 [3]]] [a [b [c]]] (+ a b c)) (case [1 2] [x y &as all] (length all)) (case 1 2 :two))`);
    expect(out).toBe("fifty-nine\t5\tcircle 4\tx+2\tother\n6\t2\tnil\n");
  });

  it("unifies repeated names and allows nil for ?x and _x", async () => {
    const out = await runFennel(`
      (fn same [t] (case t [a a] :same [a b] :diff _ :none))
      (print (same [1 1]) (same [1 2]) (same [1]))
      (print (case [] [?a ?a] :both-nil) (case [nil 2] [_a b] b) (case [nil 2] [a b] :no _ :fallback))`);
    expect(out).toBe("same\tdiff\tnone\nboth-nil\t2\tfallback\n");
  });

  it("matches multiple values and evaluates the subject once", async () => {
    const out = await runFennel(`
      (var n 0)
      (fn get [ok?] (set n (+ n 1)) (if ok? (values true :data) (values nil :boom)))
      (print (case (get false) (nil msg) (.. "error: " msg) (true d) d) (case (get true) (nil msg) msg (true d) d) n)`);
    expect(out).toBe("error: boom\tdata\t2\n");
  });

  it("never pins existing locals, except with (where (= x))", async () => {
    const out = await runFennel(`
      (let [x 1]
        (print (case [:hello] [x] x) (case [:hello] (where [(= x)]) x _ :no) (case [1] (where [(= x)]) x _ :no)))`);
    expect(out).toBe("hello\tno\t1\n");
  });

  it("supports where guards and or-alternatives with shared bindings", async () => {
    const out = await runFennel(`
      (fn f [v]
        (case v
          (where [a b] (> a b)) :desc
          (where (or [a 1] [1 a]) (> a 5)) (.. "big " a)
          (where (or 1 2 3)) :small
          _ :else))
      (print (f [3 2]) (f [9 1]) (f [1 7]) (f [1 2]) (f 2) (f 4))`);
    expect(out).toBe("desc\tdesc\tbig 7\telse\tsmall\telse\n");
  });

  it("binds a plain-symbol subject without a temporary", () => {
    expect(expand("(case x 1 :a y y)")).toBe('(if (= x 1) "a" (not= nil x) (let [y x] y))');
    expect(expand("(case (f) (a b) a)")).toBe("(let [(val_1_ val_2_) (f)] (if (and (not= nil val_1_) (not= nil val_2_)) (let [a val_1_ b val_2_] a)))");
  });
});

describe("match", () => {
  it("compares symbols that name locals in scope", async () => {
    const out = await runFennel(`
      (let [x 95]
        (print (match [52 85 95] [b a a] :no [x y z] :no2 [a b x] :yes)))
      (let [name nil]
        (print (match "Dave" name (.. "Hello " name) ?anon :anonymous)))
      (local config {:mode :fast})
      (print (match :fast config.mode :same _ :diff) (match :slow config.mode :same _ :diff))
      (print (match [1 2 3] ([a 2 3] ? (< 0 a)) :legacy _ :no))`);
    expect(out).toBe("yes\nanonymous\nsame\tdiff\nlegacy\n");
  });

  it("pins by name at expansion time", () => {
    expect(expand("(match v x :pinned y :bound)", ["x"])).toBe('(if (= v x) "pinned" (not= nil v) (let [y v] "bound"))');
  });
});

describe("case-try and match-try", () => {
  it("chains steps and routes mismatches to catch", async () => {
    const out = await runFennel(`
      (fn parse [s] (case (tonumber s) n (values true n) _ (values nil (.. "bad: " s))))
      (fn half [n] (if (= 0 (% n 2)) (// n 2) (values nil (.. "odd: " n))))
      (fn run [s] (case-try (parse s) (true n) (half n) h (.. "half " h) (catch (nil e) e)))
      (print (run "10") (run "x") (run "7"))
      (fn raw [s] (case-try (parse s) (true n) (* n 2)))
      (print (raw "q"))
      (print (case-try (values nil :x) true :ok (catch (nil :y) :y)))`);
    expect(out).toBe("half 5\tbad: x\todd: 7\nnil\tbad: q\nnil\n");
  });

  it("match-try pins names bound by earlier steps and outer locals", async () => {
    const out = await runFennel(`
      (let [token :secret]
        (print (match-try (values :cmd :secret) (cmd token) (.. cmd "!") (catch _ :denied))
               (match-try (values :cmd :other) (cmd token) (.. cmd "!") (catch _ :denied))))
      (print (match-try 2 n (values n n) (a n) :pinned-equal (catch _ :no)))
      (print (match-try 2 n (values n 3) (a n) :pinned-equal (catch _ :no)))`);
    expect(out).toBe("cmd!\tdenied\npinned-equal\nno\n");
  });

  it("is nil when empty and the value itself with no steps, like the reference", async () => {
    expect(await runFennel("(print (case-try) (match-try) (case-try 5) (match-try 6))")).toBe("nil\tnil\t5\t6\n");
  });

  it("requires bodies for every step and catch pattern", () => {
    expect(compileError("(case-try 1 a)").reason).toBe("expected every pattern to have a body");
    expect(compileError("(case-try 1 a a (catch _))").reason).toBe("expected every catch pattern to have a body");
  });
});

describe("pattern errors", () => {
  it("name the rule that was broken", () => {
    expect(compileError("(case)").reason).toBe("missing subject");
    expect(compileError("(case 1)").reason).toBe("expected at least one pattern/body pair");
    expect(compileError("(case 1 1)").reason).toBe("expected even number of pattern/body pairs");
    expect(compileError("(case 1 (or 1 2) :x)").reason).toBe("(or) must be used in (where) patterns");
    expect(compileError("(case [1] [(where a)] :x)").reason).toBe("can't nest (where) pattern");
    expect(compileError("(case [1] [(or 1 2)] :x)").reason).toBe("can't nest (or) pattern");
    expect(compileError("(case 1 (n ? true) :x)").reason).toBe("legacy guard clause not supported in case");
    expect(compileError("(case [1] [(a b)] :x)").reason).toBe("can't nest multi-value destructuring");
    expect(compileError("(local x 1) (case 1 (= x) :x)").reason).toBe("(=) must be used in (where) patterns");
    expect(compileError("(local x 1) (case 1 (where (= x x)) :x)").reason).toBe("(=) should take only one argument");
    expect(compileError("(local x 1) (match 1 (where (= x)) :x)").reason).toBe("(=) cannot be used inside of match");
    expect(compileError("(case [1] [a & b c] :x)").reason).toBe("expected & rest argument before last parameter");
    expect(compileError("(case [1] [a &as b c] :x)").reason).toBe("expected &as argument before last parameter");
    expect(compileError("(case 1 a.b :x)").reason).toBe("unexpected multi symbol a.b");
  });

  it("point at the pattern for pattern-shape errors", () => {
    const e = compileError("(case [1]\n  [(or 1 2)] :x)");
    expect(e.line).toBe(2);
  });
});
