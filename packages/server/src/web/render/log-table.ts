// Rows of a log table (run page, whole-log page, live updates): one row per
// line, its id an anchor and its number a link to it; stderr and quire-ci's
// notes marked. Built as a string: a log can hold many thousand lines. Line
// HTML must already be escaped (render/ansi.ts does that).
import type { LogStream } from "../../runs/log-reader.js";

export interface LogRow {
  n: number;
  stream: LogStream;
  html: string;
}

const CLASS: Record<LogStream, string> = { stdout: "", stderr: ' class="err"', note: ' class="note"' };

/** `<tr>` rows for `lines`, each with id `<prefix>L<n>` (prefix "" or e.g. "log-test-1-"). */
export function logRows(lines: readonly LogRow[], prefix: string): string {
  const parts: string[] = [];
  for (const line of lines) {
    const id = `${prefix}L${line.n}`;
    parts.push(`<tr id="${id}"${CLASS[line.stream]}><td class="ln"><a href="#${id}">${line.n}</a></td><td class="src">${line.html}</td></tr>`);
  }
  return parts.join("");
}
