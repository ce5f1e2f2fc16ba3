// Parsers for git's object formats as cat-file hands them over: trees (binary
// entries), commits and annotated tags (headers, then a message). Pure
// functions over bytes; reading them is cat-file.ts's job.

/** What a tree entry is, from its mode. */
export type EntryKind = "tree" | "blob" | "exec" | "symlink" | "submodule";

/** One entry of a tree. `name` is the raw bytes; `display` is the same decoded as UTF-8 (lossy). */
export interface TreeEntry {
  name: Buffer;
  display: string;
  mode: string;
  kind: EntryKind;
  oid: string;
}

/** A person line: `Name <email> 1700000000 +0100`. */
export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  /** As written, e.g. `+0100`. */
  tz: string;
}

export interface Commit {
  oid: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  /** jj's change id, when the commit carries a `change-id` header. */
  changeId: string | null;
  /** Every header, in order, continuation lines joined with "\n". */
  headers: [string, string][];
  message: string;
}

export interface Tag {
  oid: string;
  object: string;
  type: string;
  tag: string;
  tagger: Signature | null;
  message: string;
}

function kindOf(mode: string): EntryKind {
  switch (mode) {
    case "40000":
      return "tree";
    case "100755":
      return "exec";
    case "120000":
      return "symlink";
    case "160000":
      return "submodule";
    default:
      return "blob";
  }
}

/** Parse a tree object; `oidBytes` is 20 for SHA-1 repositories, 32 for SHA-256. */
export function parseTree(data: Buffer, oidBytes = 20): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const nul = data.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + oidBytes > data.length) throw new Error("malformed tree object");
    const mode = data.toString("latin1", i, space);
    const name = data.subarray(space + 1, nul);
    entries.push({
      name: Buffer.from(name),
      display: name.toString("utf8"),
      mode,
      kind: kindOf(mode),
      oid: data.toString("hex", nul + 1, nul + 1 + oidBytes),
    });
    i = nul + 1 + oidBytes;
  }
  return entries;
}

/** Parse `Name <email> time tz`; tolerant of odd names, as git itself is. */
export function parseSignature(line: string): Signature {
  const m = /^(.*?) ?<([^>]*)> (-?\d+) ([+-]\d{4})$/.exec(line);
  if (m === null) return { name: line, email: "", time: 0, tz: "+0000" };
  return { name: m[1]!, email: m[2]!, time: Number(m[3]), tz: m[4]! };
}

/** Split an object into its header lines (continuations joined) and message. */
function splitHeaders(text: string): { headers: [string, string][]; message: string } {
  const headers: [string, string][] = [];
  const end = text.indexOf("\n\n");
  const head = end < 0 ? text : text.slice(0, end);
  const message = end < 0 ? "" : text.slice(end + 2);
  for (const line of head.split("\n")) {
    if (line.startsWith(" ") && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] += "\n" + line.slice(1);
      continue;
    }
    const sp = line.indexOf(" ");
    headers.push(sp < 0 ? [line, ""] : [line.slice(0, sp), line.slice(sp + 1)]);
  }
  return { headers, message };
}

export function parseCommit(oid: string, data: Buffer): Commit {
  const { headers, message } = splitHeaders(data.toString("utf8"));
  const get = (key: string) => headers.find(([k]) => k === key)?.[1];
  const author = parseSignature(get("author") ?? "");
  return {
    oid,
    tree: get("tree") ?? "",
    parents: headers.filter(([k]) => k === "parent").map(([, v]) => v),
    author,
    committer: get("committer") === undefined ? author : parseSignature(get("committer")!),
    changeId: get("change-id") ?? null,
    headers,
    message,
  };
}

export function parseTag(oid: string, data: Buffer): Tag {
  const { headers, message } = splitHeaders(data.toString("utf8"));
  const get = (key: string) => headers.find(([k]) => k === key)?.[1];
  const tagger = get("tagger");
  return {
    oid,
    object: get("object") ?? "",
    type: get("type") ?? "",
    tag: get("tag") ?? "",
    tagger: tagger === undefined ? null : parseSignature(tagger),
    // A signed tag carries its signature after the message.
    message: message.replace(/-----BEGIN (PGP|SSH) SIGNATURE-----[\s\S]*$/, ""),
  };
}

/** The first line of a message. */
export function subjectOf(message: string): string {
  const nl = message.indexOf("\n");
  return (nl < 0 ? message : message.slice(0, nl)).trim();
}

/** The message after its subject line and the blank line that follows it. */
export function bodyOf(message: string): string {
  const nl = message.indexOf("\n");
  return nl < 0 ? "" : message.slice(nl + 1).replace(/^\n+/, "").trimEnd();
}
