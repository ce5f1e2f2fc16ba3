// The numbered-lines table of the file view (and of anything else showing a
// file's lines): built as one string because it can hold many thousand rows.
// Each line's HTML must already be escaped (highlight.ts does that).

export interface CodeTableOptions {
  /** Lines to mark from the start (a `?lines=A-B` request), 1-based inclusive. */
  marked?: { from: number; to: number } | null;
}

/** `<table class="code">` with a row per line: `id="L12"` and a `#L12` link in the gutter. */
export function codeTable(lines: readonly string[], options: CodeTableOptions = {}): string {
  const marked = options.marked ?? null;
  const parts: string[] = ['<table class="code"><tbody>'];
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const hl = marked !== null && n >= marked.from && n <= marked.to ? ' class="hl"' : "";
    parts.push(`<tr id="L${n}"${hl}><td class="ln"><a href="#L${n}">${n}</a></td><td class="src">${lines[i]}</td></tr>`);
  }
  parts.push("</tbody></table>");
  return parts.join("");
}

/** Parse `A-B` (or `A`) as a line range, or null when malformed. */
export function parseLineRange(text: string | undefined): { from: number; to: number } | null {
  if (text === undefined) return null;
  const m = /^(\d{1,7})(?:-(\d{1,7}))?$/.exec(text.trim());
  if (m === null) return null;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 1 || b < 1) return null;
  return { from: Math.min(a, b), to: Math.max(a, b) };
}
