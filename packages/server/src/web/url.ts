// The web view's URL contract (docs/WEB.md), both ways: `links` builds every
// URL a page prints, and `parsePath` turns a request path into checked,
// percent-decoded segments. Paths are bytes: a file name need not be UTF-8.

/** The page actions that follow a repository name in a URL. */
export const ACTIONS = ["tree", "blob", "raw", "blame", "log", "history", "commit", "refs", "archive", "atom", "runs"] as const;
export type Action = (typeof ACTIONS)[number];

export function isAction(s: string): s is Action {
  return (ACTIONS as readonly string[]).includes(s);
}

const UNRESERVED = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
const SAFE_SEGMENT = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]*$/;

/** Percent-encode one path segment given as bytes or text; `/` is always encoded. */
export function encodeSegment(segment: Buffer | string): string {
  // Most names need no escape at all: pages build thousands of links.
  if (typeof segment === "string" && SAFE_SEGMENT.test(segment)) return segment;
  const bytes = typeof segment === "string" ? Buffer.from(segment, "utf8") : segment;
  let out = "";
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Encode a repo-relative path (segments) or a ref name (may hold `/`) for a URL. */
export function encodePath(segments: readonly (Buffer | string)[]): string {
  return segments.map(encodeSegment).join("/");
}

function refPart(ref: string): string {
  return encodePath(ref.split("/"));
}

function withPath(base: string, path: readonly (Buffer | string)[] | undefined): string {
  return path === undefined || path.length === 0 ? base : `${base}/${encodePath(path)}`;
}

const DOTS = /^~*\.\.?$/;

/**
 * A job id as one URL segment. A segment `.` or `..` (even written `%2E`) is
 * folded away by browsers and refused by parsePath, so an id made of one or
 * two dots after any number of `~` is written with one more leading `~`
 * (`..` → `~..`, `~.` → `~~.`); decodeJobSegment undoes it. Other ids are
 * percent-encoded as any segment.
 */
export function encodeJobSegment(id: string): string {
  return encodeSegment(DOTS.test(id) ? `~${id}` : id);
}

/** The job id a decoded URL segment names (see encodeJobSegment). */
export function decodeJobSegment(segment: string): string {
  return DOTS.test(segment) && segment.startsWith("~") ? segment.slice(1) : segment;
}

/** `repo` is the slug (name without `.git`, e.g. `team/app`); `ref` a short ref name or full sha. */
export const links = {
  home: () => "/",
  repo: (repo: string) => `/${refPart(repo)}`,
  tree: (repo: string, ref: string, path?: readonly (Buffer | string)[]) => withPath(`/${refPart(repo)}/tree/${refPart(ref)}`, path),
  blob: (repo: string, ref: string, path: readonly (Buffer | string)[]) => withPath(`/${refPart(repo)}/blob/${refPart(ref)}`, path),
  raw: (repo: string, ref: string, path: readonly (Buffer | string)[]) => withPath(`/${refPart(repo)}/raw/${refPart(ref)}`, path),
  blame: (repo: string, ref: string, path: readonly (Buffer | string)[]) => withPath(`/${refPart(repo)}/blame/${refPart(ref)}`, path),
  log: (repo: string, ref: string, path?: readonly (Buffer | string)[], after?: string) =>
    withPath(`/${refPart(repo)}/log/${refPart(ref)}`, path) + (after === undefined ? "" : `?after=${after}`),
  history: (repo: string, ref: string, path: readonly (Buffer | string)[], lines: { from: number; to: number }) =>
    withPath(`/${refPart(repo)}/history/${refPart(ref)}`, path) + `?lines=${lines.from}-${lines.to}`,
  commit: (repo: string, sha: string) => `/${refPart(repo)}/commit/${sha}`,
  refs: (repo: string) => `/${refPart(repo)}/refs`,
  archive: (repo: string, ref: string, format: "tar.gz" | "zip") => `/${refPart(repo)}/archive/${refPart(ref)}.${format}`,
  atom: (repo: string, ref?: string) => (ref === undefined ? `/${refPart(repo)}/atom` : `/${refPart(repo)}/atom/${refPart(ref)}`),
  runs: (repo?: string) => (repo === undefined ? "/runs" : `/${refPart(repo)}/runs`),
  run: (repo: string, id: string) => `/${refPart(repo)}/runs/${encodeSegment(id)}`,
  /** Server-Sent Events of one run (docs/WEB.md, "Live updates"). */
  runLive: (repo: string, id: string) => `/${refPart(repo)}/runs/${encodeSegment(id)}/live`,
  /** Server-Sent Events of a run list: one repository's, or every repository's. */
  runsLive: (repo?: string) => (repo === undefined ? "/runs/live" : `/${refPart(repo)}/runs/live`),
  /** One sh's whole log as a page (`raw` true: the text itself, `…/sh/N.log`). */
  shLog: (repo: string, id: string, job: string, n: number, raw = false) =>
    `/${refPart(repo)}/runs/${encodeSegment(id)}/jobs/${encodeJobSegment(job)}/sh/${n}${raw ? ".log" : ""}`,
  /** A job's `(log …)` output as a page (`raw` true: `…/log.log`). */
  jobOutput: (repo: string, id: string, job: string, raw = false) =>
    `/${refPart(repo)}/runs/${encodeSegment(id)}/jobs/${encodeJobSegment(job)}/log${raw ? ".log" : ""}`,
  clone: (repo: string) => `/${refPart(repo)}.git`,
};

/** A request path that is not well formed; answered 400. */
export class BadPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadPathError";
  }
}

/** Longest request path accepted, in bytes. */
export const MAX_PATH_BYTES = 8192;

/** Decode `%XX` escapes of one raw segment into bytes; throws BadPathError on a broken escape. */
export function decodeSegment(raw: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new BadPathError(`the path has a broken escape "%${hex}": percent signs must be followed by two hex digits`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else for (const b of Buffer.from(raw[i]!, "utf8")) bytes.push(b);
  }
  return Buffer.from(bytes);
}

/**
 * Split a raw (still percent-encoded) request path into decoded segments.
 * Refuses, with a reason: NUL bytes, `.` and `..` segments, empty segments
 * inside the path, escaped slashes, and over-long paths. A trailing slash is
 * allowed and dropped.
 */
export function parsePath(rawPath: string): Buffer[] {
  if (rawPath.length > MAX_PATH_BYTES) throw new BadPathError(`the path is longer than ${MAX_PATH_BYTES} bytes`);
  const trimmed = rawPath.replace(/^\/+/, "").replace(/\/$/, "");
  if (trimmed === "") return [];
  const out: Buffer[] = [];
  for (const raw of trimmed.split("/")) {
    if (raw === "") throw new BadPathError('the path has an empty segment ("//"): remove the doubled slash');
    const seg = decodeSegment(raw);
    if (seg.includes(0)) throw new BadPathError("the path holds a NUL byte");
    if (seg.includes(0x2f)) throw new BadPathError('the path holds an escaped "/" (%2F): write slashes as they are');
    const text = seg.toString("latin1");
    if (text === "." || text === "..") throw new BadPathError(`the path holds a "${text}" segment: name files by their full path`);
    out.push(seg);
  }
  return out;
}

/** A segment as text, or undefined when its bytes are not UTF-8. */
export function segmentText(segment: Buffer): string | undefined {
  const text = segment.toString("utf8");
  return Buffer.from(text, "utf8").equals(segment) ? text : undefined;
}

/** Split a repository path given as bytes (as git reports it) into segments at `/`. */
export function splitPath(path: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path[i] === 0x2f) {
      out.push(path.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** A path for display: segments joined with `/`, bytes that are not UTF-8 shown as U+FFFD. */
export function displayPath(segments: readonly Buffer[]): string {
  return segments.map((s) => s.toString("utf8")).join("/");
}
