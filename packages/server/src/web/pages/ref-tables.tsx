// The ref lists shared by the refs and home pages: reading the change ids of
// jj's `push-*` bookmarks (the commit's `change-id` header, else the name)
// and the folded "changes" group. The rows themselves are render/ref-table.ts.
import { raw } from "hono/html";
import type { RepoReader } from "../git/reader.js";
import type { Ref } from "../git/refs.js";
import { changeIdFromName } from "../git/ref-groups.js";
import { changeTableHtml, type ChangeRow } from "../render/ref-table.js";

export type { ChangeRow } from "../render/ref-table.js";

/** Read the tip commits of `push-*` refs (pipelined through cat-file) for their change ids. */
export async function changeRows(reader: RepoReader, refs: readonly Ref[]): Promise<ChangeRow[]> {
  const commits = await Promise.all(refs.map((r) => reader.commit(r.commit)));
  return refs.map((ref, i) => {
    const header = commits[i]?.changeId ?? null;
    return { ref, changeId: header ?? changeIdFromName(ref.short) ?? "", fromHeader: header !== null };
  });
}

/** jj's change bookmarks, folded under a summary (a <details>: it opens without script). */
export function ChangesGroup(props: { repo: string; rows: readonly ChangeRow[] }) {
  const { repo, rows } = props;
  if (rows.length === 0) return null;
  return (
    <details class="box changes">
      <summary class="head">
        <strong>Changes</strong>
        <span class="muted small">
          {rows.length} jj change bookmark{rows.length === 1 ? "" : "s"} (<span class="mono">push-*</span>), newest first
        </span>
      </summary>
      {raw(changeTableHtml(repo, rows))}
    </details>
  );
}
