import { describe, expect, it } from "vitest";
import { compileError, runFennel } from "./testing.js";

describe("?.", () => {
  it("looks keys up in turn and stops at nil", async () => {
    const out = await runFennel(`
      (local t {:a {:b {:c 42}} :f false})
      (print (?. t :a :b :c) (?. t :a :missing :c) (?. nil :x) (?. t :f) (?. [[1 2] [3 4]] 2 1))`);
    expect(out).toBe("42\tnil\tnil\tfalse\t3\n");
  });

  it("refuses to compile without a table, like the reference", () => {
    expect(compileError("(?.)").reason).toBe("expected table argument");
  });

  it("evaluates each key only when the lookup gets that far", async () => {
    const out = await runFennel(`
      (var n 0)
      (fn key [k] (set n (+ n 1)) k)
      (local r (?. {:a {}} (key :a) (key :b) (key :c)))
      (print r n)`);
    expect(out).toBe("nil\t2\n");
  });
});

describe("-?> and -?>>", () => {
  it("short-circuit on nil but not on false", async () => {
    const out = await runFennel(`
      (print (-?> {:a {:b 1}} (. :a) (. :b)) (-?> {} (. :a) (. :b)) (-?> {:x false} (. :x) (tostring)))
      (print (-?>> :a (. {:a :b}) (. {:b :c})) (-?>> :a (. {}) (. {:c 1})))`);
    expect(out).toBe("1\tnil\tfalse\nc\tnil\n");
  });

  it("evaluate each step once", async () => {
    const out = await runFennel(`
      (var calls 0)
      (fn count [x] (set calls (+ calls 1)) x)
      (local a (-?> (count 1) (count) (count)))
      (local b (-?> (count nil) (count) (count)))
      (print a b calls)`);
    expect(out).toBe("1\tnil\t4\n");
  });
});
