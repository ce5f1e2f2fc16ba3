// git log's default commit order, walked in process over the cat-file pipe
// (no process start; commits read stay cached). The order is revision.c's:
// pop the newest by committer date, insert its unseen parents by date after
// those of equal date, so this walk and `git log` agree commit for commit.
import type { Commit } from "./objects.js";

/** Reads one commit by full id (RepoReader.commit); null when missing. */
export type CommitSource = (oid: string) => Promise<Commit | null>;

/** Walk from `tip` newest first, as `git log <tip>` lists; stops when `visit` returns false. */
export async function walkCommits(read: CommitSource, tip: string, visit: (commit: Commit) => boolean): Promise<void> {
  const first = await read(tip);
  if (first === null) return;
  const seen = new Set<string>([first.oid]);
  // Sorted newest first; equal dates keep insertion order.
  const queue: Commit[] = [first];
  let head = 0;
  while (head < queue.length) {
    const commit = queue[head++]!;
    if (!visit(commit)) return;
    const fresh = commit.parents.filter((p) => !seen.has(p));
    for (const p of fresh) seen.add(p);
    // Parents are read together (pipelined), then inserted in parent order.
    const parents = await Promise.all(fresh.map(read));
    for (const parent of parents) {
      if (parent === null) continue;
      insertByDate(queue, head, parent);
    }
    // Drop what was popped now and then, so the queue stays small on long walks.
    if (head > 1024) {
      queue.splice(0, head);
      head = 0;
    }
  }
}

/** Insert before the first queued commit that is strictly older (git's commit_list_insert_by_date). */
function insertByDate(queue: Commit[], from: number, commit: Commit): void {
  const date = commit.committer.time;
  let lo = from;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (queue[mid]!.committer.time < date) hi = mid;
    else lo = mid + 1;
  }
  queue.splice(lo, 0, commit);
}

/** git's `%s`: the message's first paragraph, lines joined by a space, trailing blanks trimmed. */
export function gitSubject(message: string): string {
  const out: string[] = [];
  for (const line of message.replace(/^\s*\n/, "").split("\n")) {
    const trimmed = line.replace(/\s+$/, "");
    if (trimmed === "") {
      if (out.length > 0) break;
      continue;
    }
    out.push(trimmed);
  }
  return out.join(" ");
}
