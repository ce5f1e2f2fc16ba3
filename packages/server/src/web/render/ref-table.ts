// Tables of refs for the refs and home pages, as strings (a repository may
// have hundreds of refs): branches and tags with their tip commit, and jj's
// `push-*` change bookmarks with change id and age. All text is escaped.
import type { Ref } from "../git/refs.js";
import { links } from "../url.js";
import { shaLinkHtml, timeHtml } from "./commit-table.js";
import { escapeHtml } from "./escape.js";

/** Name (to its files), tip subject (to the commit), log link, date; the default branch marked. */
export function refTableHtml(repo: string, refs: readonly Ref[], head?: string): string {
  const out: string[] = ['<div class="scroll"><table class="list refs"><tbody>'];
  for (const r of refs) {
    const note = r.kind === "tag" && r.subject !== "" && r.subject !== r.tipSubject ? ` <span class="muted small">· ${escapeHtml(r.subject)}</span>` : "";
    out.push(
      `<tr><td class="mono refname"><a href="${escapeHtml(links.tree(repo, r.short))}">${escapeHtml(r.short)}</a>${r.name === head ? ' <span class="pill">default</span>' : ""}</td>`,
      `<td class="subject"><a href="${escapeHtml(links.commit(repo, r.commit))}">${escapeHtml(r.tipSubject || r.commit.slice(0, 12))}</a>${note}</td>`,
      `<td class="nowrap small"><a href="${escapeHtml(links.log(repo, r.short))}">log</a></td>`,
      `<td class="nowrap muted small">${timeHtml(r.time * 1000)}</td></tr>`,
    );
  }
  out.push("</tbody></table></div>");
  return out.join("");
}

/** Refs by name only, each linking to its files: for namespaces outside branches and tags (`refs/pull/*`), often hundreds. */
export function refNamesHtml(repo: string, refs: readonly Ref[]): string {
  const out: string[] = ['<ul class="ref-names mono small">'];
  for (const r of refs) out.push(`<li><a href="${escapeHtml(links.tree(repo, r.short))}" title="${r.commit}">${escapeHtml(r.short)}</a></li>`);
  out.push("</ul>");
  return out.join("");
}

export interface ChangeRow {
  ref: Ref;
  /** The change id: from the commit's header when it carries one, else the prefix in the ref name. */
  changeId: string;
  fromHeader: boolean;
}

/** Rows of jj change bookmarks: change id, tip subject and bookmark, sha, age (the script shows it as an age). */
export function changeTableHtml(repo: string, rows: readonly ChangeRow[]): string {
  const out: string[] = ['<div class="scroll"><table class="list refs"><tbody>'];
  for (const row of rows) {
    const { ref } = row;
    const why = row.fromHeader ? "change-id header of the commit" : "change id from the bookmark's name";
    out.push(
      `<tr><td class="mono" title="${escapeHtml(why)}">${escapeHtml(row.changeId.slice(0, 12))}</td>`,
      `<td class="subject"><a href="${escapeHtml(links.commit(repo, ref.commit))}">${escapeHtml(ref.tipSubject || ref.commit.slice(0, 12))}</a> `,
      `<a class="pill ref-branch" href="${escapeHtml(links.tree(repo, ref.short))}">${escapeHtml(ref.short)}</a></td>`,
      `<td class="nowrap small">${shaLinkHtml(repo, ref.commit)}</td>`,
      `<td class="nowrap muted small">${timeHtml(ref.time * 1000, "age")}</td></tr>`,
    );
  }
  out.push("</tbody></table></div>");
  return out.join("");
}
