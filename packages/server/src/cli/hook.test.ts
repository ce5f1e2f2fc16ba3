import { describe, expect, it } from "vitest";
import { parseRefLines } from "./hook.js";

const A = "a".repeat(40);
const Z = "0".repeat(40);

describe("parseRefLines", () => {
  it("reads git's `<old> <new> <ref>` lines and reports the bad ones", () => {
    const warnings: string[] = [];
    const refs = parseRefLines(`${Z} ${A} refs/heads/main\n\nnot a line\n${A} ${Z} refs/tags/v1\n${A} ${A} main\n`, (w) => warnings.push(w));
    expect(refs).toEqual([
      { old_sha: Z, new_sha: A, ref: "refs/heads/main" },
      { old_sha: A, new_sha: Z, ref: "refs/tags/v1" },
    ]);
    expect(warnings).toEqual([
      expect.stringContaining('ignoring a ref line that is not "<old-sha> <new-sha> <ref>": "not a line"'),
      expect.stringContaining(`"${A} ${A} main"`),
    ]);
  });
});
