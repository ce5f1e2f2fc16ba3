// How the refs and home pages group a repository's refs: the default branch,
// other branches by recency, tags newest first, jj's `push-*` bookmarks
// (`jj git push --change`) folded into "changes", and other namespaces
// (`refs/pull/*`…) apart; plus which refs point at each commit (log rows).
import type { Ref, RefList } from "./refs.js";

/** jj's change bookmarks: `push-` and a change id prefix (jj writes ids in the letters k–z). */
const CHANGE_BOOKMARK = /^push-(.+)$/;

export interface RefGroups {
  /** The branch HEAD names, when it exists. */
  defaultBranch: Ref | undefined;
  /** Branches other than the default and the change bookmarks, tip commit newest first. */
  branches: Ref[];
  /** Tags, newest first (tagger date, or the commit's for a lightweight tag). */
  tags: Ref[];
  /** `push-*` branches, newest first. */
  changes: Ref[];
  /** Refs outside heads and tags, by name. */
  other: Ref[];
}

/** What follows `push-` in a branch name (jj's change id prefix), or null for other names. */
export function changeIdFromName(short: string): string | null {
  return CHANGE_BOOKMARK.exec(short)?.[1] ?? null;
}

function newestFirst(a: Ref, b: Ref): number {
  return b.time - a.time || (a.short < b.short ? -1 : a.short > b.short ? 1 : 0);
}

export function groupRefs(list: RefList): RefGroups {
  const groups: RefGroups = { defaultBranch: undefined, branches: [], tags: [], changes: [], other: [] };
  for (const ref of list.refs) {
    if (ref.kind === "tag") groups.tags.push(ref);
    else if (ref.kind === "other") groups.other.push(ref);
    else if (ref.name === list.head) groups.defaultBranch = ref;
    else if (changeIdFromName(ref.short) !== null) groups.changes.push(ref);
    else groups.branches.push(ref);
  }
  groups.branches.sort(newestFirst);
  groups.tags.sort(newestFirst);
  groups.changes.sort(newestFirst);
  groups.other.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return groups;
}

/** Branches and tags by the commit they point at, for log decorations (other namespaces left out). */
export function decorations(list: RefList): Map<string, Ref[]> {
  const map = new Map<string, Ref[]>();
  for (const ref of list.refs) {
    if (ref.kind === "other") continue;
    const at = map.get(ref.commit);
    if (at === undefined) map.set(ref.commit, [ref]);
    else at.push(ref);
  }
  return map;
}
