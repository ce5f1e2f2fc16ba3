import { describe, expect, it } from "vitest";
import { compileError, expand, runFennel } from "./testing.js";

describe("when", () => {
  it("expands to if with an implicit do", () => {
    expect(expand("(when c (a) (b))")).toBe("(if c (do (a) (b)))");
  });

  it("runs the body only for a truthy condition", async () => {
    const out = await runFennel(`
      (when true (print :a) (print :b))
      (when false (print :never))
      (print (when true 1 2 3) (when nil 1))
      (fn g [] (when 0 (values :zero :true)))
      (print (g))`);
    expect(out).toBe("a\nb\n3\tnil\nzero\ttrue\n");
  });

  it("needs a body", () => {
    const e = compileError("(local x 1)\n(when x)");
    expect(e.reason).toBe("expected body");
    expect(e.line).toBe(2);
    expect(e.hints.join("\n")).toContain("* Try");
  });
});
