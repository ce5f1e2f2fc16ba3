// A commit's file diffs as one HTML string (a big diff has many thousand
// rows): each file a box with old/new line numbers and highlighted lines, cut
// after a number of files and lines with a note where the cut falls. Every
// piece of repository text goes through escapeHtml (highlight.ts escapes too).
import type { FileDiff } from "../git/diff-parse.js";
import { escapeHtml } from "./escape.js";
import { highlightLines, languageOf } from "./highlight.js";

export interface DiffRenderOptions {
  /** Files whose patch is shown; the rest are only in the diffstat. */
  maxFiles: number;
  /** Patch lines shown in all; the file where the budget runs out is cut there. */
  maxLines: number;
  /** Link to view a file as the commit has it (or as the base had it, when deleted). */
  fileHref(file: FileDiff): string;
  /** Link to the whole diff, when the page is not already showing it. */
  fullHref: string | null;
}

export interface RenderedDiff {
  html: string;
  /** Files whose patch (or part of it) was shown; `d1`… anchors exist for these. */
  shownFiles: number;
  /** The cut fell inside the diff (files or lines left out). */
  cut: boolean;
}

/** Highlighting stops paying off beyond this many lines in one file. */
const MAX_HIGHLIGHT_LINES = 4000;

/** A path for display: bytes that are not UTF-8 become U+FFFD. */
export function pathText(path: Buffer): string {
  return path.toString("utf8");
}

/** How a file changed, in words. */
export function describeChange(file: FileDiff): string {
  switch (file.status) {
    case "A":
      return "added";
    case "D":
      return "deleted";
    case "R":
      return file.score === 100 ? "renamed" : `renamed (${file.score}% similar)`;
    case "C":
      return `copied (${file.score}% similar)`;
    case "T":
      return "type changed";
    default:
      return file.oldMode !== file.newMode ? `mode ${file.oldMode} → ${file.newMode}` : "modified";
  }
}

/** The file's name as the diff heads it: `old → new` for renames and copies. */
export function fileTitle(file: FileDiff): string {
  return file.status === "R" || file.status === "C" ? `${pathText(file.oldPath)} → ${pathText(file.newPath)}` : pathText(file.newPath);
}

function baseName(path: Buffer): string {
  const text = pathText(path);
  return text.slice(text.lastIndexOf("/") + 1);
}

/**
 * Highlighted HTML for every content line of a block, in order (the `\ No
 * newline` lines excluded). The same two blobs always give the same hunks,
 * so the result is kept by their ids, as the file view keeps a blob's.
 */
function highlightBlock(file: FileDiff, index: number, lang: string | null): string[] {
  const block = file.blocks![index]!;
  const source: string[] = [];
  for (const h of block.hunks) for (const line of h.lines) if (line.charAt(0) !== "\\") source.push(line.slice(1));
  if (lang === null || source.length > MAX_HIGHLIGHT_LINES) return source.map(escapeHtml);
  const lines = highlightLines(source.join("\n") + "\n", lang, `diff\0${file.oldOid}\0${file.newOid}\0${index}`);
  // One source line may never become two: fall back to plain if the tokenizer disagrees.
  return lines.length === source.length ? lines : source.map(escapeHtml);
}

/** Row openings by patch prefix; the +/− itself is drawn by the stylesheet (table.diff), so it is not copied with the code. */
const ROW: Record<string, string> = { "+": '<tr class="add"><td></td><td>', "-": '<tr class="del"><td>', " ": "<tr><td>" };

/** Render `files` within the limits. */
export function renderDiffs(files: readonly FileDiff[], options: DiffRenderOptions): RenderedDiff {
  const out: string[] = [];
  let linesLeft = options.maxLines;
  let shownFiles = 0;
  let cut = false;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    if (shownFiles >= options.maxFiles || linesLeft <= 0) {
      cut = true;
      break;
    }
    shownFiles++;
    out.push(`<div class="box diff" id="d${i + 1}"><div class="head"><span class="mono">${escapeHtml(fileTitle(file))}</span>`);
    out.push(`<span class="muted small">${escapeHtml(describeChange(file))}</span>`);
    out.push(`<span class="actions"><a href="${escapeHtml(options.fileHref(file))}">view file</a></span></div>`);
    if (file.blocks === null) {
      out.push(`<div class="body muted small">The patch of this file was not read: the diff is larger than the page reads.</div></div>`);
      continue;
    }
    const lang = languageOf(baseName(file.status === "D" ? file.oldPath : file.newPath));
    const rows: string[] = [];
    let note = "";
    for (const [index, block] of file.blocks.entries()) {
      if (block.binary) {
        note = "A binary file; its contents are not shown.";
        continue;
      }
      if (block.hunks.length === 0) continue;
      const html = highlightBlock(file, index, lang);
      let k = 0;
      let stopped = false;
      for (const h of block.hunks) {
        if (linesLeft <= 0) {
          stopped = true;
          break;
        }
        rows.push(`<tr class="hunk"><td></td><td></td><td>${escapeHtml(h.header)}</td></tr>`);
        let oldN = h.oldStart;
        let newN = h.newStart;
        for (const line of h.lines) {
          const c = line.charAt(0);
          if (c === "\\") {
            rows.push(`<tr class="note"><td></td><td></td><td>${escapeHtml(line)}</td></tr>`);
            continue;
          }
          if (linesLeft <= 0) {
            stopped = true;
            break;
          }
          linesLeft--;
          // Markup kept short: a big diff is mostly these rows.
          if (c === "+") rows.push(`${ROW["+"]}${newN++}</td><td>${html[k++] ?? ""}</td></tr>`);
          else if (c === "-") rows.push(`${ROW["-"]}${oldN++}</td><td></td><td>${html[k++] ?? ""}</td></tr>`);
          else rows.push(`${ROW[" "]}${oldN++}</td><td>${newN++}</td><td>${html[k++] ?? ""}</td></tr>`);
        }
      }
      if (stopped) {
        cut = true;
        note = "The diff is cut here: it is longer than a page shows.";
      }
    }
    if (rows.length > 0) out.push(`<div class="scroll"><table class="code diff"><tbody>${rows.join("")}</tbody></table></div>`);
    if (file.cut) note = "The diff is cut here: the patch is larger than the page reads.";
    else if (rows.length === 0 && note === "") note = file.status === "R" || file.status === "C" ? "Same contents." : file.oldMode !== file.newMode ? "Only the mode changed." : "No changes to show.";
    if (note !== "") out.push(`<div class="body muted small">${escapeHtml(note)}</div>`);
    out.push(`</div>`);
  }
  if (cut) {
    const left = files.length - shownFiles;
    const more = options.fullHref === null ? "" : ` <a href="${escapeHtml(options.fullHref)}" rel="nofollow">Show the whole diff</a>, or open files from the list above.`;
    out.push(`<div class="notice small">The diff is cut${left > 0 ? `: ${left} more file${left === 1 ? "" : "s"} not shown` : ""}.${more}</div>`);
  }
  return { html: out.join(""), shownFiles, cut };
}
