// git's C-style quoting of path names ("caf\351.txt", "a \"q\".txt"), as
// porcelain output writes names with special bytes, undone into raw bytes.
// Plain names come back as their bytes unchanged.

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 0x22, "\\": 0x5c };

/** The bytes of a path as git printed it: quoted (`"…"` with escapes) or bare. */
export function unquotePath(text: string): Buffer {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return Buffer.from(text, "utf8");
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      for (const b of Buffer.from(ch, "utf8")) bytes.push(b);
      continue;
    }
    const next = body[i + 1];
    if (next !== undefined && /[0-3]/.test(next) && /^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (next !== undefined && ESCAPES[next] !== undefined) {
      bytes.push(ESCAPES[next]!);
      i += 1;
    } else bytes.push(0x5c);
  }
  return Buffer.from(bytes);
}
