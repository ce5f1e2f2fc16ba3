// The blame table, built as one string (a blame can be thousands of rows):
// lines grouped by commit (short sha, author, date; subject on hover), the
// ladder link of each line, `#L12` line anchors and the highlighted source.
import type { BlameData } from "../git/blame.js";
import { escapeHtml } from "./escape.js";

export interface BlameTableOptions {
  /** `href` of a commit page for a full sha (escaped by the table). */
  commitHref(oid: string): string;
  /** The ladder link of a line without its number, e.g. `?t=…&up=`; null for no ladder links. */
  upPrefix: string | null;
}

function day(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** `<table class="code blame">`: one row per line of `lines` (escaped HTML, e.g. from highlightLines). */
export function blameTable(data: BlameData, lines: readonly string[], options: BlameTableOptions): string {
  const { commits, suspects, lineSuspect, lineOrig } = data;
  // Built once per commit and per suspect, then reused by each of their lines.
  const cells = commits.map((c) => {
    const when = day(c.authorTime);
    const title = escapeHtml(`${c.summary} · ${c.author} · ${when}`);
    return (
      `<a class="sha" href="${escapeHtml(options.commitHref(c.oid))}" title="${title}">${c.oid.slice(0, 8)}</a>` +
      ` <span class="who">${escapeHtml(c.author)}</span> <span class="when">${when}</span>`
    );
  });
  const up = options.upPrefix === null ? null : escapeHtml(options.upPrefix);
  const ladders = suspects.map((s) => {
    const c = commits[s.commit]!;
    if (up === null || s.previous === null || c.boundary) return null;
    return `" rel="nofollow" title="blame before ${c.oid.slice(0, 8)}${s.previous.path.equals(s.path) ? "" : escapeHtml(`, at ${s.previous.path.toString("utf8")}`)}">↑</a>`;
  });
  const parts: string[] = ['<table class="code blame"><tbody>'];
  let last = -2;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const s = i < lineSuspect.length ? lineSuspect[i]! : -1;
    const commit = s < 0 ? -1 : suspects[s]!.commit;
    const first = commit !== last;
    last = commit;
    const cell = first && commit >= 0 ? cells[commit] : "";
    const ladder = s < 0 ? null : ladders[s];
    parts.push(
      `<tr id="L${n}"${first ? ' class="g"' : ""}><td class="bc">${cell}</td><td class="up">` +
        (ladder == null ? "" : `<a href="${up}${n}${ladder}`) +
        `</td><td class="ln"><a href="#L${n}">${n}</a></td><td class="src">${lines[i]}</td></tr>`,
    );
  }
  parts.push("</tbody></table>");
  return parts.join("");
}
