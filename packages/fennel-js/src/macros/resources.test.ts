import { describe, expect, it } from "vitest";
import { createVM } from "../host/vm/vm.js";
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
  it("passes every value through, and where the condition fails opens a REPL with the locals whose ,return is asserted", async () => {
    const vm = await createVM({ profile: "cli", stdout: { write() {}, flush() {} } });
    try {
      const [ok, values, fromRepl, seen, failed] = await vm.evalString(`
        (local fennel (require :fennel))
        (local seen [])
        (set fennel.repl.readChunk (let [inputs ["(* x 2)\n" ",return (+ x 1)\n"]] #(table.remove inputs 1)))
        (set fennel.repl.onValues (fn [[v]] (table.insert seen v)))
        (fn check [x] (assert-repl (< x 10) "too big"))
        (local got (check 20))
        (set fennel.repl.readChunk #",return nil")
        (local (ok? _) (pcall check 30))
        (each [k (pairs fennel.repl)] (tset fennel.repl k nil))
        (values (assert-repl :a-ok) [(assert-repl :a :b :c)] got (table.concat seen " ") ok?)`);
      expect([ok, values, fromRepl, failed]).toEqual(["a-ok", ["a", "b", "c"], 21, false]);
      // The first REPL shows the message with its traceback, then each value; the second only its message.
      expect(seen).toMatch(/^too big\nstack traceback:.* 40 21 too big\n/s);
    } finally {
      vm.close();
    }
  });
});
