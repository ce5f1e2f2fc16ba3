// The blame table, built as bytes (a blame can be thousands of rows) in two
// steps. The part of each row that does not depend on the blame (line anchor
// and highlighted source) is built and UTF-8 encoded from the file alone,
// while git still blames (sourceRows); once the blame is in, each row's own
// start is written before its source part (blameTable). Lines are grouped by
// commit: the first line of a group names the commit (short sha, author,
// date; subject on hover), the lines after it leave that cell empty. Every
// line has its `#L12` anchor and, when there is an older commit, its ladder
// link; only a group's first line says on hover where the link leads.
import type { BlameData } from "../git/blame.js";
import { escapeHtml } from "./escape.js";

export interface BlameTableOptions {
  /** `href` of a commit page for a full sha (escaped by the table). */
  commitHref(oid: string): string;
  /** The ladder link of a line without its number, e.g. `?t=…&up=`; null for no ladder links. */
  upPrefix: string | null;
}

/** The blame-independent end of each row, encoded: row i is `bytes[ends[i-1]..ends[i]]`. */
export interface SourceRows {
  bytes: Buffer;
  ends: Int32Array;
}

function day(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** The end of each row of `lines` (escaped HTML, e.g. from highlightLines): line number cell and source cell. */
export function sourceRows(lines: readonly string[]): SourceRows {
  const parts: string[] = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    parts[i] = `</td><td class="ln"><a href="#L${n}">${n}</a></td><td class="src">${lines[i]}</td></tr>`;
  }
  const bytes = Buffer.from(parts.join(""), "utf8");
  const ends = new Int32Array(lines.length);
  let end = 0;
  for (let i = 0; i < parts.length; i++) ends[i] = end += Buffer.byteLength(parts[i]!, "utf8");
  return { bytes, ends };
}

/** `<table class="code blame">` with one row per source row, as UTF-8 bytes. */
export function blameTable(data: BlameData, rows: SourceRows, options: BlameTableOptions): Buffer {
  const { commits, suspects, lineSuspect } = data;
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
  /** Per suspect: whether its lines link up the ladder, and the hover text a group's first line gives that link. */
  const ladders = suspects.map((s) => {
    const c = commits[s.commit]!;
    if (up === null || s.previous === null || c.boundary) return null;
    return `" rel="nofollow" title="blame before ${c.oid.slice(0, 8)}${s.previous.path.equals(s.path) ? "" : escapeHtml(`, at ${s.previous.path.toString("utf8")}`)}">↑</a>`;
  });
  const heads: string[] = new Array<string>(rows.ends.length);
  let headChars = 0;
  let last = -2;
  for (let i = 0; i < heads.length; i++) {
    const n = i + 1;
    const s = i < lineSuspect.length ? lineSuspect[i]! : -1;
    const commit = s < 0 ? -1 : suspects[s]!.commit;
    const first = commit !== last;
    last = commit;
    const ladder = s < 0 ? null : ladders[s];
    const head =
      `<tr id="L${n}"${first ? ' class="g"' : ""}><td class="bc">${first && commit >= 0 ? cells[commit] : ""}</td><td class="up">` +
      (ladder == null ? "" : first ? `<a href="${up}${n}${ladder}` : `<a href="${up}${n}" rel="nofollow">↑</a>`);
    heads[i] = head;
    headChars += head.length;
  }
  const open = '<table class="code blame"><tbody>';
  const close = "</tbody></table>";
  // A UTF-16 unit is at most 3 bytes of UTF-8.
  const out = Buffer.allocUnsafe(open.length + close.length + 3 * headChars + rows.bytes.length);
  let at = out.write(open, 0, "latin1");
  let from = 0;
  for (let i = 0; i < heads.length; i++) {
    at += out.write(heads[i]!, at, "utf8");
    const to = rows.ends[i]!;
    at += rows.bytes.copy(out, at, from, to);
    from = to;
  }
  at += out.write(close, at, "latin1");
  return out.subarray(0, at);
}
