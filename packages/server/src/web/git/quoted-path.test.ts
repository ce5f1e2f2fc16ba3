import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { unquotePath } from "./quoted-path.js";

/** git's quoting (quote_c_style with core.quotePath=true), written independently for the round trip. */
function quote(bytes: Buffer): string {
  const named: Record<number, string> = { 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 0x22: '"', 0x5c: "\\" };
  let special = false;
  let out = "";
  for (const b of bytes) {
    if (named[b] !== undefined) (out += `\\${named[b]}`), (special = true);
    else if (b < 0x20 || b >= 0x7f) (out += `\\${b.toString(8).padStart(3, "0")}`), (special = true);
    else out += String.fromCharCode(b);
  }
  return special ? `"${out}"` : out;
}

describe("unquotePath", () => {
  it("undoes git's quoting of names with special bytes", () => {
    expect(unquotePath('"caf\\351.txt"')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]));
    expect(unquotePath('"weird/a <b> \\"q\\" & \'s.txt"').toString()).toBe("weird/a <b> \"q\" & 's.txt");
    expect(unquotePath('"tab\\there\\nnewline\\\\"').toString()).toBe("tab\there\nnewline\\");
    expect(unquotePath("plain/name.c").toString()).toBe("plain/name.c");
    expect(unquotePath('"').toString()).toBe('"');
  });

  it("round-trips any bytes without NUL or slash runs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (arr) => {
        const bytes = Buffer.from(arr.filter((b) => b !== 0));
        if (bytes.length === 0) return;
        expect(unquotePath(quote(bytes))).toEqual(bytes);
      }),
    );
  });
});
