// The commit list the log and home pages show, as one string (JSX costs
// tens of microseconds a row): short sha, subject with the branches and tags
// at the commit, author, date; in a followed file's log, the file's name at
// that commit when it was another. All text goes through escapeHtml.
import type { LogEntry } from "../git/log-parse.js";
import type { Ref } from "../git/refs.js";
import { links } from "../url.js";
import { escapeHtml } from "./escape.js";

/** `<time>` as layout/components.tsx's Time writes it: absolute, so cached pages stay true. */
export function timeHtml(ms: number, className?: string): string {
  const iso = new Date(ms).toISOString();
  return `<time${className ? ` class="${className}"` : ""} datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`;
}

/** A commit link showing 12 hex digits (layout/components.tsx's ShaLink). */
export function shaLinkHtml(repo: string, sha: string): string {
  return `<a class="sha" href="${escapeHtml(links.commit(repo, sha))}" title="${sha}">${sha.slice(0, 12)}</a>`;
}

/** Pills for the refs at a commit: branches link to their log, tags to their files. */
export function refPillsHtml(repo: string, refs: readonly Ref[] | undefined, head?: string): string {
  if (refs === undefined || refs.length === 0) return "";
  const pills = refs.map((r) => {
    const href = r.kind === "tag" ? links.tree(repo, r.short) : links.log(repo, r.short);
    return `<a class="pill ref-${r.kind}${r.name === head ? " ref-head" : ""}" href="${escapeHtml(href)}">${escapeHtml(r.short)}</a>`;
  });
  return ` <span class="refs">${pills.join("")}</span>`;
}

export interface CommitTableOptions {
  /** Branches and tags by commit; left out on pages addressed by a full sha (refs move, such pages never change). */
  decorations?: Map<string, Ref[]>;
  /** Full name of the default branch, marked among the decorations. */
  head?: string;
  /** The followed file's current path: rows where it had another name say so. */
  followed?: Buffer;
}

export function commitTableHtml(repo: string, entries: readonly LogEntry[], options: CommitTableOptions = {}): string {
  const out: string[] = ['<div class="scroll"><table class="list commits"><tbody>'];
  for (const e of entries) {
    const renamed = options.followed !== undefined && e.path !== undefined && !e.path.equals(options.followed) ? ` <span class="muted small">(as ${escapeHtml(e.path.toString("utf8"))})</span>` : "";
    out.push(
      `<tr><td class="nowrap">${shaLinkHtml(repo, e.oid)}</td>`,
      `<td class="subject"><a href="${escapeHtml(links.commit(repo, e.oid))}">${escapeHtml(e.subject)}</a>${refPillsHtml(repo, options.decorations?.get(e.oid), options.head)}${renamed}</td>`,
      `<td class="muted small wide" title="${escapeHtml(e.email)}">${escapeHtml(e.author)}</td>`,
      `<td class="nowrap muted small">${timeHtml(e.time * 1000)}</td></tr>`,
    );
  }
  out.push("</tbody></table></div>");
  return out.join("");
}
