// String literal bodies with Lua 5.4's escapes. Bytes that are not valid
// Unicode text (`\xff`, `\200`) are kept as U+DC80+byte (lone surrogates) so
// the emitter can write them back as the same byte.

export interface StringRead {
  value: string;
  /** Index just past the closing quote (or where reading stopped). */
  end: number;
  /** "unterminated", or the bad escape text. */
  error?: string;
}

const SIMPLE: Record<string, string> = {
  a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
  "\\": "\\", '"': '"', "'": "'", "\n": "\n",
};

/** Read from just after the opening `"` to the closing one. */
export function readStringBody(src: string, from: number): StringRead {
  let i = from;
  const n = src.length;
  // Fast path: no escapes.
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 34) return { value: src.slice(from, i), end: i + 1 };
    if (c === 92) break;
    i++;
  }
  if (i >= n) return { value: "", end: n, error: "unterminated" };
  const parts: string[] = [src.slice(from, i)];
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 34) return { value: parts.join(""), end: i + 1 };
    if (c !== 92) {
      const s = i;
      while (i < n && src.charCodeAt(i) !== 34 && src.charCodeAt(i) !== 92) i++;
      parts.push(src.slice(s, i));
      continue;
    }
    const e = src[i + 1];
    if (e === undefined) return { value: "", end: n, error: "unterminated" };
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      parts.push(simple);
      i += 2;
    } else if (e === "\r") {
      parts.push("\n");
      i += src[i + 2] === "\n" ? 3 : 2;
    } else if (e === "z") {
      i += 2;
      while (i < n && /\s/.test(src[i]!)) i++;
    } else if (e === "x") {
      const hex = src.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { value: "", end: i, error: "\\x" + hex };
      parts.push(byteChar(parseInt(hex, 16)));
      i += 4;
    } else if (e >= "0" && e <= "9") {
      const m = /^\d{1,3}/.exec(src.slice(i + 1, i + 4))![0];
      const v = Number(m);
      if (v > 255) return { value: "", end: i, error: "\\" + m };
      parts.push(byteChar(v));
      i += 1 + m.length;
    } else if (e === "u") {
      const m = /^\{([0-9a-fA-F]+)\}/.exec(src.slice(i + 2, i + 14));
      if (m === null) return { value: "", end: i, error: "\\u" };
      const cp = parseInt(m[1]!, 16);
      if (cp > 0x7fffffff) return { value: "", end: i, error: "\\u{" + m[1] + "}" };
      parts.push(codePointChars(cp));
      i += 4 + m[1]!.length;
    } else {
      return { value: "", end: i, error: "\\" + e };
    }
  }
  return { value: "", end: n, error: "unterminated" };
}

function byteChar(b: number): string {
  return b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xdc00 + b);
}

function codePointChars(cp: number): string {
  if (cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) return String.fromCodePoint(cp);
  // Lua accepts up to 2^31 in \u{}: write the extended UTF-8 bytes.
  const bytes: number[] = [];
  let limit = 0x3f;
  let v = cp;
  const cont: number[] = [];
  while (v > limit) {
    cont.unshift(0x80 | (v & 0x3f));
    v >>>= 6;
    limit >>>= 1;
  }
  bytes.push(((~limit << 1) & 0xff) | v, ...cont);
  return bytes.map(byteChar).join("");
}
