import { describe, expect, it } from "vitest";
import { compileError, expand, runFennel } from "./testing.js";

describe("collect", () => {
  it("builds a table of the non-nil key/value pairs", async () => {
    const out = await runFennel(`
      (local t (collect [k v (pairs {:a 1 :b 2 :c 3})] (if (not= k :b) (values k (* v 10)))))
      (print t.a t.b t.c)
      (local u (collect [_ v (ipairs [1 2 3])] v (if (not= v 2) (* v v))))
      (print (. u 1) (. u 2) (. u 3))`);
    expect(out).toBe("10\tnil\t30\n1\tnil\t9\n");
  });

  it("fills an existing table with &into and stops at &until", async () => {
    const out = await runFennel(`
      (local base {:keep 1})
      (local t (collect [i v (ipairs [:a :b :c]) &into base &until (= v :c)] v i))
      (print (= t base) t.keep t.a t.b t.c)`);
    expect(out).toBe("true\t1\t1\t2\tnil\n");
  });

  it("rejects a single non-call body and extra bodies", () => {
    expect(compileError("(collect [k v (pairs {})] k)").reason).toBe("need key and value");
    expect(compileError("(collect [k v (pairs {})] k v v)").reason).toBe(
      "expected 1 or 2 body expressions; wrap multiple expressions with do",
    );
    expect(compileError("(collect [] 1 2)").reason).toBe("expected iterator binding table");
    expect(compileError("(collect [k v (pairs {}) &into 5] k v)").reason).toBe(
      "expected table, function call, or symbol in &into clause",
    );
  });
});

describe("icollect and fcollect", () => {
  it("collect non-nil values in order", async () => {
    const out = await runFennel(`
      (print (table.concat (icollect [_ v (ipairs [1 2 3 4 5 6])] (if (< 2 v) (* v v))) " "))
      (print (table.concat (icollect [_ x (ipairs [2 3]) &into [9]] (* x 11)) " "))
      (print (table.concat (fcollect [i 0 10 2] (if (> i 2) (* i i))) " "))
      (print (table.concat (fcollect [i 5 1 -2 &into [:x]] i) " "))
      (print (table.concat (fcollect [i 1 10 &until (> i 3)] i) " "))`);
    expect(out).toBe("9 16 25 36\n9 22 33\n16 36 64 100\nx 5 3 1\n1 2 3\n");
  });

  it("uses hygienic temporaries", () => {
    expect(expand("(icollect [_ v (ipairs t)] v)")).toBe(
      "(let [tbl_1_ []] (var i_3_ 0) (each [_ v (ipairs t)] (let [val_2_ v] (if (not= nil val_2_) (do (set i_3_ (+ i_3_ 1)) (tset tbl_1_ i_3_ val_2_))))) tbl_1_)",
    );
    expect(expand("(fcollect [i 1 3 &into out] i)")).toBe(
      "(let [tbl_1_ out] (for [i 1 3] (let [val_2_ i] (if (not= nil val_2_) (tset tbl_1_ (+ (length tbl_1_) 1) val_2_)))) tbl_1_)",
    );
  });

  it("report missing or extra bodies at the call", () => {
    const e = compileError("(local t [])\n(icollect [_ v (ipairs t)])");
    expect([e.reason, e.line]).toEqual(["expected table value expression", 2]);
    expect(compileError("(icollect [_ v (ipairs [])] 1 2)").reason).toBe(
      "expected exactly one body expression. Wrap multiple expressions in do",
    );
    expect(compileError("(fcollect [i 1] i)").reason).toBe("expected range binding table");
    expect(compileError("(icollect [_ v (ipairs []) &into [] &into []] v)").reason).toBe(
      "expected only one &into clause",
    );
  });
});
