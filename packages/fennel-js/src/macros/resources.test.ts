import { describe, expect, it } from "vitest";
import { compileError, expand, runFennel } from "./testing.js";

const HANDLE = `(fn handle [name log] {:name name :close (fn [self] (table.insert log (.. "close " self.name)))})`;

describe("with-open", () => {
  it("closes handles last-first and returns every body value", async () => {
    const out = await runFennel(`${HANDLE}
      (local log [])
      (fn run [] (with-open [a (handle :a log) b (handle :b log)] (table.insert log :body) (values 1 2)))
      (print (run))
      (print (table.concat log ","))`);
    expect(out).toBe("1\t2\nbody,close b,close a\n");
  });

  it("closes on error and re-raises the error value unchanged", async () => {
    const out = await runFennel(`${HANDLE}
      (local log [])
      (local (ok e) (pcall #(with-open [h (handle :t log)] (error {:code 42}))))
      (local (ok2 e2) (pcall #(with-open [h (handle :s log)] (error "boom"))))
      (print ok e.code ok2 (e2:gsub "^.-:%d+: " "") (table.concat log ","))`);
    expect(out).toBe("false\t42\tfalse\tboom\tclose t,close s\n");
  });

  it("only binds symbols", () => {
    expect(compileError("(with-open [[a] (f)] a)").reason).toBe("with-open only allows symbols in bindings");
    expect(compileError("(with-open f)").reason).toBe("expected binding table");
  });
});

describe("doto", () => {
  it("calls each form on the subject and returns it", async () => {
    const out = await runFennel(`
      (var made 0)
      (fn make [] (set made (+ made 1)) [])
      (local t (doto (make) (table.insert 1) (table.insert 2) (tset :k :v)))
      (print (table.concat t ",") t.k made)
      (local obj {:items []})
      (fn obj.add [self x] (table.insert self.items x) self)
      (print (= obj (doto obj (: :add :a) (: :add :b))) (table.concat obj.items ","))`);
    expect(out).toBe("1,2\tv\t1\ntrue\ta,b\n");
  });

  it("binds a non-symbol subject once", () => {
    expect(expand("(doto (f) (g 1) h)")).toBe("(let [doto_1_ (f)] (g doto_1_ 1) (h doto_1_) doto_1_)");
    expect(expand("(doto x (g 1))")).toBe("(do (g x 1) x)");
    expect(compileError("(doto)").reason).toBe("missing subject");
  });
});

describe("assert-repl", () => {
  it("behaves like assert without a REPL", async () => {
    const out = await runFennel(`
      (print (assert-repl 1 :fine))
      (print (select 2 (pcall #(assert-repl false "custom"))))
      (print (assert-repl :a :b :c))`);
    expect(out).toMatch(/^1\tfine\n.*custom\na\tb\tc\n$/);
  });
});
