// Turning `REF[/PATH]` URL segments into a commit and a path: the longest
// existing ref wins, a full sha addresses a commit directly (and makes the
// page cacheable for good), and a sha that is gone gets a 404 that says,
// from the push history, which ref moved away from it and where it is now.
import { HttpError } from "../errors.js";
import { historyOfSha } from "../push/history.js";
import type { Commit } from "./git/objects.js";
import type { Ref } from "./git/refs.js";
import type { RepoRequest } from "./context.js";
import { links, segmentText } from "./url.js";

export interface Resolved {
  /** The ref as URLs spell it: a short name (`main`, `v1.0`) or the full sha. */
  refName: string;
  /** The ref, when a name (not a sha) addressed the page. */
  ref: Ref | null;
  commit: Commit;
  /** The path after the ref, as raw bytes per segment. */
  path: Buffer[];
  /** `sha` when a full sha addressed the page: it never changes. */
  policy: "sha" | "ref";
}

/** Resolve `segments` (a ref or sha, then a path) or throw a 404 that says what to do. */
export async function resolveRevPath(req: RepoRequest, segments: Buffer[]): Promise<Resolved> {
  const { reader } = req;
  if (segments.length === 0) throw new HttpError(404, "not_found", "name a branch, tag or commit after the page, e.g. …/tree/main", {
    details: { links: [{ href: links.refs(reader.slug), text: "branches and tags" }] },
  });
  // Ref names are text; the first segment that is not UTF-8 can only be part of the path.
  const texts: string[] = [];
  for (const seg of segments) {
    const t = segmentText(seg);
    if (t === undefined) break;
    texts.push(t);
  }
  const target = await reader.splitRef(texts);
  if (target === undefined) {
    throw new HttpError(404, "not_found", `${reader.slug} has no branch, tag or commit named ${JSON.stringify(texts.join("/") || segments[0]!.toString("utf8"))}`, {
      details: { links: [{ href: links.refs(reader.slug), text: "branches and tags" }] },
    });
  }
  // The ref took the text segments not left over; everything after it is the path, bytes and all.
  const path = segments.slice(texts.length - target.rest.length);
  if (target.kind === "ref") {
    const commit = await reader.commit(target.ref.commit);
    if (commit === null) throw new HttpError(404, "not_found", `${target.ref.name} does not point at a commit`);
    return { refName: target.ref.short, ref: target.ref, commit, path, policy: "ref" };
  }
  const commit = await reader.commit(target.oid);
  if (commit === null) throw await missingSha(req, target.oid);
  return { refName: target.oid, ref: null, commit, path, policy: "sha" };
}

/** The friendly 404 for a commit the repository does not have. */
export async function missingSha(req: RepoRequest, sha: string): Promise<HttpError> {
  const { reader, web } = req;
  const { arrived, left } = historyOfSha(web.db, reader.name, sha);
  const refs = await reader.refs();
  const lines: string[] = [];
  const found: { href: string; text: string }[] = [];
  const seen = new Set<string>();
  for (const u of [...left].reverse()) {
    if (seen.has(u.ref)) continue;
    seen.add(u.ref);
    const now = refs.byName.get(u.ref);
    const when = new Date(u.pushedAtMs).toISOString().slice(0, 16).replace("T", " ");
    const moved = /^0+$/.test(u.newSha) ? "was deleted" : `moved to ${u.newSha.slice(0, 12)}`;
    lines.push(`${u.ref} pointed at it until ${when} UTC, when it ${moved}${u.pusher ? ` (pushed by ${u.pusher})` : ""}`);
    if (now !== undefined) found.push({ href: links.tree(reader.slug, now.short), text: `${now.short} now (${now.commit.slice(0, 12)})` });
  }
  if (lines.length === 0 && arrived.length > 0) lines.push(`it was pushed to ${arrived.map((a) => a.ref).join(", ")}, but no ref holds it any more`);
  const message =
    lines.length === 0
      ? `${reader.slug} has no commit ${sha}; it may have been rewritten by a rebase, or never pushed here`
      : `${reader.slug} no longer has commit ${sha.slice(0, 12)}: ${lines.join("; ")}`;
  return new HttpError(404, "not_found", message, { details: { links: [...found, { href: links.refs(reader.slug), text: "branches and tags" }] } });
}
