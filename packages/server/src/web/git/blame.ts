// `git blame --porcelain`: run bounded through the reader and parsed as its
// output streams in, into compact per-line tables (which commit, which line
// of that commit's version, which path and `previous` parent). The content
// lines of the porcelain are skipped: pages show the blob they already read.
import { unquotePath } from "./quoted-path.js";
import type { RepoReader } from "./reader.js";

/** A commit as blame reports it (metadata comes once per commit). */
export interface BlameCommit {
  oid: string;
  author: string;
  /** Author time, seconds since the epoch. */
  authorTime: number;
  summary: string;
  /** A boundary commit (blame stopped there): nothing before it to climb to. */
  boundary: boolean;
}

/** A commit and the path the lines had in it, with where blame would go on from there. */
export interface BlameSuspect {
  /** Index into `commits`. */
  commit: number;
  path: Buffer;
  /** The parent commit and the path there (porcelain `previous`); null for a root commit. */
  previous: { oid: string; path: Buffer } | null;
}

export interface BlameData {
  commits: BlameCommit[];
  suspects: BlameSuspect[];
  /** Lines of the blamed file. */
  lines: number;
  /** Per final line (index 0 is line 1): index into `suspects`, -1 when blame said nothing. */
  lineSuspect: Int32Array;
  /** Per final line: the line number in the suspect commit's version of the file. */
  lineOrig: Int32Array;
}

/** Where line `line` (1-based) of the blamed file came from: its suspect and its line there. */
export function blameLine(data: BlameData, line: number): { suspect: BlameSuspect; commit: BlameCommit; orig: number } | null {
  if (!(line >= 1 && line <= data.lineSuspect.length)) return null;
  const index = data.lineSuspect[line - 1]!;
  if (index < 0) return null;
  const suspect = data.suspects[index]!;
  return { suspect, commit: data.commits[suspect.commit]!, orig: data.lineOrig[line - 1]! };
}

const TAB = 9;
const NL = 10;

/** A streaming parser of `git blame --porcelain`: push chunks, then end(). */
export class BlamePorcelainParser {
  private readonly commits: BlameCommit[] = [];
  private readonly commitIndex = new Map<string, number>();
  /** The suspect each commit's lines fall back to when an entry repeats no `filename`. */
  private readonly lastSuspect: number[] = [];
  private readonly suspects: BlameSuspect[] = [];
  private readonly suspectIndex = new Map<string, number>();
  private lineSuspect: Int32Array;
  private lineOrig: Int32Array;
  private maxLine = 0;
  private rest: Buffer | null = null;
  private expectHeader = true;
  private commit = -1;
  private orig = 0;
  private final = 0;
  private suspect = -1;
  private previous: BlameSuspect["previous"] = null;

  /** `expectedLines` sizes the tables (they grow when blame reports more). */
  constructor(expectedLines = 1024) {
    this.lineSuspect = new Int32Array(Math.max(16, expectedLines)).fill(-1);
    this.lineOrig = new Int32Array(Math.max(16, expectedLines));
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.rest !== null) {
      data = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let start = 0;
    for (let nl = data.indexOf(NL, start); nl >= 0; nl = data.indexOf(NL, start)) {
      this.line(data, start, nl);
      start = nl + 1;
    }
    if (start < data.length) this.rest = Buffer.from(data.subarray(start));
  }

  end(): BlameData {
    if (this.rest !== null) {
      const rest = this.rest;
      this.rest = null;
      this.line(rest, 0, rest.length);
    }
    return {
      commits: this.commits,
      suspects: this.suspects,
      lines: this.maxLine,
      lineSuspect: this.lineSuspect.subarray(0, this.maxLine),
      lineOrig: this.lineOrig.subarray(0, this.maxLine),
    };
  }

  private line(data: Buffer, start: number, end: number): void {
    if (data[start] === TAB) {
      // The content line closes an entry: record which suspect the final line belongs to.
      this.record();
      this.expectHeader = true;
      return;
    }
    if (this.expectHeader) {
      this.header(data.toString("latin1", start, end));
      this.expectHeader = false;
      return;
    }
    const sp = data.indexOf(0x20, start);
    const key = data.toString("latin1", start, sp < 0 || sp > end ? end : sp);
    const value = sp < 0 || sp > end ? "" : data.toString("utf8", sp + 1, end);
    const c = this.commits[this.commit]!;
    switch (key) {
      case "author":
        c.author = value;
        break;
      case "author-time":
        c.authorTime = Number(value) || 0;
        break;
      case "summary":
        c.summary = value;
        break;
      case "boundary":
        c.boundary = true;
        break;
      case "previous": {
        const space = value.indexOf(" ");
        this.previous = { oid: value.slice(0, space), path: unquotePath(value.slice(space + 1)) };
        break;
      }
      case "filename":
        this.suspect = this.suspectOf(unquotePath(value));
        break;
    }
  }

  /** `<sha> <orig line> <final line>[ <lines in group>]` */
  private header(text: string): void {
    const a = text.indexOf(" ");
    const b = text.indexOf(" ", a + 1);
    const c = text.indexOf(" ", b + 1);
    const oid = text.slice(0, a);
    this.orig = Number(text.slice(a + 1, b));
    this.final = Number(c < 0 ? text.slice(b + 1) : text.slice(b + 1, c));
    let index = this.commitIndex.get(oid);
    if (index === undefined) {
      index = this.commits.length;
      this.commits.push({ oid, author: "", authorTime: 0, summary: "", boundary: false });
      this.commitIndex.set(oid, index);
      this.lastSuspect.push(-1);
    }
    this.commit = index;
    this.suspect = -1;
    this.previous = null;
  }

  private suspectOf(path: Buffer): number {
    const key = `${this.commit}\0${path.toString("latin1")}`;
    let index = this.suspectIndex.get(key);
    if (index === undefined) {
      index = this.suspects.length;
      this.suspects.push({ commit: this.commit, path, previous: this.previous });
      this.suspectIndex.set(key, index);
    }
    this.lastSuspect[this.commit] = index;
    return index;
  }

  private record(): void {
    if (this.commit < 0 || !(this.final >= 1)) return;
    const i = this.final - 1;
    if (i >= this.lineSuspect.length) this.grow(i + 1);
    this.lineSuspect[i] = this.suspect >= 0 ? this.suspect : this.lastSuspect[this.commit]!;
    this.lineOrig[i] = this.orig;
    if (this.final > this.maxLine) this.maxLine = this.final;
  }

  private grow(min: number): void {
    const size = Math.max(min, this.lineSuspect.length * 2);
    const suspects = new Int32Array(size).fill(-1);
    suspects.set(this.lineSuspect);
    const orig = new Int32Array(size);
    orig.set(this.lineOrig);
    this.lineSuspect = suspects;
    this.lineOrig = orig;
  }
}

/** Blame took longer than its budget and was stopped. */
export class BlameTimeoutError extends Error {
  constructor(readonly budgetMs: number) {
    super(`blame took longer than ${Math.round(budgetMs / 1000)} s and was stopped`);
    this.name = "BlameTimeoutError";
  }
}

export interface BlameOptions {
  /** Stop git after this long (BlameTimeoutError). */
  timeoutMs: number;
  /** Lines the file has, to size the tables. */
  expectedLines?: number;
}

/** A blame under way. */
export interface BlameJob {
  /** Resolves as soon as git runs (or failed to start), so callers can do their own work meanwhile. */
  started: Promise<void>;
  /** The parsed blame, once git has finished and all its output is read. */
  result: Promise<BlameData>;
  /** Stop git (or keep it from starting): the page needs no blame after all. */
  cancel(): void;
}

/**
 * Blame `path` (UTF-8 text, repo-relative) at commit `oid` (a full sha),
 * counted as heavy work and stopped after `timeoutMs`.
 */
export function blame(reader: RepoReader, oid: string, path: string, options: BlameOptions): BlameJob {
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let cancelled = false;
  let kill = () => {};
  const result = (async () => {
    const parser = new BlamePorcelainParser(options.expectedLines);
    // Names with special bytes come back quoted whatever the repository's config says.
    const args = ["-c", "core.quotePath=true", "blame", "--porcelain", oid, "--", path];
    const proc = await reader.stream(args, { heavy: true, timeoutMs: options.timeoutMs, env: { GIT_LITERAL_PATHSPECS: "1" } }).finally(markStarted);
    kill = proc.kill;
    if (cancelled) proc.kill();
    proc.stdout.on("data", (chunk: Buffer) => parser.push(chunk));
    const done = await proc.done;
    if (cancelled) throw new Error("blame cancelled");
    if (done.exitCode !== 0) {
      if (done.timedOut) throw new BlameTimeoutError(options.timeoutMs);
      throw new Error(`git blame failed (${done.exitCode}): ${done.stderr.trim()}`);
    }
    return parser.end();
  })();
  // The caller awaits `started` first; the result's failure is theirs to see then, not an unhandled rejection now.
  result.catch(() => {});
  return {
    started,
    result,
    cancel: () => {
      cancelled = true;
      kill();
    },
  };
}
