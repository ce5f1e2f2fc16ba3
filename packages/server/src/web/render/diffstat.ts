// A commit's diffstat as one string (a commit may touch thousands of files):
// totals, then a row per file with its counts and a bar of + and −, linking
// to the file's diff on the page or, past the diffs shown, to the file.
import type { FileDiff } from "../git/diff-parse.js";
import { fileTitle } from "./diff.js";
import { escapeHtml } from "./escape.js";

/** Widest bar, in characters. */
const BAR = 24;

export interface DiffstatOptions {
  /** Files whose diff is on the page (anchors `d1`…). */
  shown: number;
  /** Rows listed; the rest are counted. */
  max: number;
  fileHref(file: FileDiff): string;
}

export function diffstatHtml(files: readonly FileDiff[], options: DiffstatOptions): string {
  let added = 0;
  let deleted = 0;
  let widest = 1;
  for (const [i, f] of files.entries()) {
    added += f.added ?? 0;
    deleted += f.deleted ?? 0;
    if (i < options.max) widest = Math.max(widest, (f.added ?? 0) + (f.deleted ?? 0));
  }
  const out: string[] = [
    `<div class="box"><div class="head small"><strong>${files.length} file${files.length === 1 ? "" : "s"} changed</strong>`,
    `<span class="plus">+${added}</span><span class="minus">−${deleted}</span></div>`,
    '<div class="scroll"><table class="list diffstat small"><tbody>',
  ];
  for (const [i, f] of files.slice(0, options.max).entries()) {
    const total = (f.added ?? 0) + (f.deleted ?? 0);
    const width = total === 0 ? 0 : Math.max(1, Math.round((BAR * total) / widest));
    const plus = total === 0 ? 0 : Math.round((width * (f.added ?? 0)) / total);
    const href = i < options.shown ? `#d${i + 1}` : options.fileHref(f);
    const kind = f.status === "A" ? ' <span class="muted">(added)</span>' : f.status === "D" ? ' <span class="muted">(deleted)</span>' : "";
    const counts = f.added === null ? '<span class="muted">binary</span>' : `+${f.added} −${f.deleted}`;
    out.push(
      `<tr><td class="mono"><a href="${escapeHtml(href)}">${escapeHtml(fileTitle(f))}</a>${kind}</td><td class="num">${counts}</td>`,
      `<td class="nowrap mono bar"><span class="plus">${"+".repeat(plus)}</span><span class="minus">${"−".repeat(width - plus)}</span></td></tr>`,
    );
  }
  out.push("</tbody></table></div>");
  if (files.length > options.max) out.push(`<div class="body muted small">and ${files.length - options.max} more files.</div>`);
  out.push("</div>");
  return out.join("");
}
