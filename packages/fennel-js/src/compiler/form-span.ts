// How many columns of a source line a form covers, so compile errors can
// underline the whole offending form.

/** Columns covered by the form starting at `col` of `line` (to its end or the line's). */
export function formSpan(line: string, col: number): number {
  const open = line[col];
  if (open === undefined) return 1;
  let depth = 0;
  let i = col;
  if (open === '"') {
    i++;
    while (i < line.length && line[i] !== '"') i += line[i] === "\\" ? 2 : 1;
    return Math.min(line.length, i + 1) - col;
  }
  if (!"([{".includes(open)) {
    while (i < line.length && !/[\s()[\]{}";]/.test(line[i]!)) i++;
    return Math.max(1, i - col);
  }
  for (; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') {
      i++;
      while (i < line.length && line[i] !== '"') i += line[i] === "\\" ? 2 : 1;
    } else if (ch === ";") break;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch) && --depth === 0) return i + 1 - col;
  }
  return Math.max(1, line.trimEnd().length - col);
}

