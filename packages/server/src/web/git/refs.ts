// A repository's refs as the web view sees them: one `git for-each-ref` read,
// kept until a push invalidates it (reader.ts), and the rule that turns a URL's
// `REF[/PATH]` segments into a ref and a path (the longest existing ref wins).
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface Ref {
  /** Full name, e.g. `refs/heads/main`. */
  name: string;
  /** Short name: `main`, `v1.0`; other namespaces keep their full name. */
  short: string;
  kind: "branch" | "tag" | "other";
  /** What the ref points at (a tag object for annotated tags). */
  oid: string;
  type: string;
  /** The commit it leads to, tags peeled (equal to `oid` for a commit). */
  commit: string;
  /** Committer date of the tip, or tagger date of an annotated tag (seconds). */
  time: number;
  /** Annotated tag message subject, when there is one. */
  subject: string;
  /** Subject of the commit the ref leads to (tags peeled). */
  tipSubject: string;
}

export interface RefList {
  refs: Ref[];
  /** Full name of the branch HEAD points at, e.g. `refs/heads/main`. */
  head: string;
  /** Full names and short names to refs, for resolution. */
  byName: Map<string, Ref>;
}

const FORMAT = ["%(objectname)", "%(objecttype)", "%(*objectname)", "%(refname)", "%(creatordate:unix)", "%(contents:subject)", "%(*contents:subject)"].join("%00");

export const FOR_EACH_REF_ARGS = ["for-each-ref", `--format=${FORMAT}`];

/** Parse `git for-each-ref` output in FOR_EACH_REF_ARGS's format. */
export function parseRefs(output: string, head: string): RefList {
  const refs: Ref[] = [];
  for (const line of output.split("\n")) {
    if (line === "") continue;
    const [oid, type, peeled, name, time, subject, peeledSubject] = line.split("\0") as [string, string, string, string, string, string, string?];
    const kind = name.startsWith("refs/heads/") ? "branch" : name.startsWith("refs/tags/") ? "tag" : "other";
    const short = kind === "branch" ? name.slice(11) : kind === "tag" ? name.slice(10) : name;
    refs.push({ name, short, kind, oid, type, commit: peeled || oid, time: Number(time) || 0, subject: type === "tag" ? subject : "", tipSubject: type === "tag" ? (peeledSubject ?? "") : subject });
  }
  const byName = new Map<string, Ref>();
  // Short names: a branch wins over a tag of the same name, as git's own lookup does.
  for (const r of refs) byName.set(r.name, r);
  for (const kind of ["tag", "branch"] as const) for (const r of refs) if (r.kind === kind) byName.set(r.short, r);
  return { refs, head, byName };
}

/** The branch HEAD names in a bare repository (`refs/heads/main` when unreadable). */
export async function readHead(gitDir: string): Promise<string> {
  try {
    const text = (await readFile(path.join(gitDir, "HEAD"), "utf8")).trim();
    if (text.startsWith("ref: ")) return text.slice(5);
  } catch {
    // A repository without a readable HEAD still has refs to show.
  }
  return "refs/heads/main";
}

const FULL_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** How URL segments split into a ref (or full sha) and a path. */
export type RefTarget =
  | { kind: "ref"; ref: Ref; rest: string[] }
  | { kind: "sha"; oid: string; rest: string[] };

/**
 * Split `segments` (already decoded) into the longest existing ref and the
 * rest, or a full sha and the rest. Undefined when no prefix names a ref.
 */
export function splitRef(list: RefList, segments: string[]): RefTarget | undefined {
  if (segments.length === 0) return undefined;
  if (FULL_OID.test(segments[0]!)) return { kind: "sha", oid: segments[0]!, rest: segments.slice(1) };
  for (let n = segments.length; n >= 1; n--) {
    const ref = list.byName.get(segments.slice(0, n).join("/"));
    if (ref !== undefined) return { kind: "ref", ref, rest: segments.slice(n) };
  }
  return undefined;
}
