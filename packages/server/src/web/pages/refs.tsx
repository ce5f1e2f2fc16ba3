// `/REPO/refs`: every branch (tip commit newest first, the default branch
// marked), every tag (newest first), jj's `push-*` change bookmarks folded
// into "changes", and refs outside heads and tags folded at the end.
import { raw } from "hono/html";
import type { RepoRequest } from "../context.js";
import { groupRefs } from "../git/ref-groups.js";
import { Frame } from "../layout/frame.js";
import { html } from "../respond.js";
import { refNamesHtml, refTableHtml } from "../render/ref-table.js";
import { changeRows, ChangesGroup } from "./ref-tables.js";

export async function refsPage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const repo = reader.slug;
  const list = await reader.refs();
  const groups = groupRefs(list);
  const branches = groups.defaultBranch === undefined ? groups.branches : [groups.defaultBranch, ...groups.branches].sort((a, b) => b.time - a.time);
  const changes = await changeRows(reader, groups.changes);
  const page = (
    <Frame title="Refs" repo={repo} tab="refs" defaultBranch={groups.defaultBranch?.short} identity={req.identity}>
      <div class="box">
        <div class="head">
          <strong>Branches</strong>
          <span class="muted small">{branches.length}, most recent first</span>
        </div>
        {branches.length === 0 ? <div class="body muted">No branches yet.</div> : raw(refTableHtml(repo, branches, list.head))}
      </div>
      <div class="box">
        <div class="head">
          <strong>Tags</strong>
          <span class="muted small">{groups.tags.length}, newest first</span>
        </div>
        {groups.tags.length === 0 ? <div class="body muted">No tags.</div> : raw(refTableHtml(repo, groups.tags))}
      </div>
      <ChangesGroup repo={repo} rows={changes} />
      {groups.other.length === 0 ? null : (
        <details class="box">
          <summary class="head">
            <strong>Other refs</strong>
            <span class="muted small">{groups.other.length} outside branches and tags</span>
          </summary>
          {raw(refNamesHtml(repo, groups.other))}
        </details>
      )}
    </Frame>
  );
  return html(c, page, { policy: "ref", private: req.access.private });
}
