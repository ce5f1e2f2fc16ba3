// One commit's diff of a range of lines (an entry of `git log -L`) as a
// table: hunk headers, then each line with its old and new numbers, added
// and removed lines marked. Built as a string; every piece of text escaped.
import { unquotePath } from "../git/quoted-path.js";
import { escapeHtml } from "./escape.js";

export interface RangeDiff {
  html: string;
  /** The file before the commit (null when the commit created it). */
  oldPath: string | null;
  newPath: string | null;
  /** Lines left out past the row limit. */
  omitted: number;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** `a/x`, `"a/caf\351"` or `/dev/null` after `--- ` or `+++ `, as a display path. */
function sidePath(text: string): string | null {
  if (text === "/dev/null") return null;
  const raw = unquotePath(text).toString("utf8");
  return raw.replace(/^[ab]\//, "");
}

/** Render `diff` (one entry's) with at most `maxRows` rows of lines. */
export function rangeDiff(diff: string, maxRows = 2000): RangeDiff {
  let oldPath: string | null = null;
  let newPath: string | null = null;
  let oldLine = 0;
  let newLine = 0;
  let rows = 0;
  let omitted = 0;
  let inHunks = false;
  const parts: string[] = ['<table class="code diff"><tbody>'];
  for (const line of diff.split("\n")) {
    if (!inHunks) {
      if (line.startsWith("--- ")) oldPath = sidePath(line.slice(4));
      else if (line.startsWith("+++ ")) newPath = sidePath(line.slice(4));
      if (!line.startsWith("@@")) continue;
      inHunks = true;
    }
    const hunk = HUNK.exec(line);
    if (hunk !== null) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      parts.push(`<tr class="hunk"><td class="ln"></td><td class="ln"></td><td class="src">${escapeHtml(line)}</td></tr>`);
      continue;
    }
    if (rows >= maxRows) {
      omitted++;
      continue;
    }
    rows++;
    const mark = line[0];
    if (mark === "+") parts.push(`<tr class="add"><td class="ln"></td><td class="ln">${newLine++}</td><td class="src">${escapeHtml(line)}</td></tr>`);
    else if (mark === "-") parts.push(`<tr class="del"><td class="ln">${oldLine++}</td><td class="ln"></td><td class="src">${escapeHtml(line)}</td></tr>`);
    else if (mark === "\\") parts.push(`<tr><td class="ln"></td><td class="ln"></td><td class="src muted">${escapeHtml(line)}</td></tr>`);
    else parts.push(`<tr><td class="ln">${oldLine++}</td><td class="ln">${newLine++}</td><td class="src">${escapeHtml(line)}</td></tr>`);
  }
  parts.push("</tbody></table>");
  return { html: parts.join(""), oldPath, newPath, omitted };
}
