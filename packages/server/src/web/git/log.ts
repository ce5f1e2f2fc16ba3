// Commit lists for the log and home pages. A ref's log is walked in process
// (walk.ts, git's own order) and deep pages by `git log` streamed and stopped
// once full: the same order, so `?after=SHA` is exact. A path's log is `git log
// -- PATH`; `--follow` walks a file's history once (expensive), kept by tip and path.
import { LRUCache } from "lru-cache";
import type { Commit } from "./objects.js";
import type { RepoReader } from "./reader.js";
import { parseFollowLog, parseLogLine, LOG_FORMAT, FOLLOW_FORMAT, type LogEntry, type Rename } from "./log-parse.js";
import { gitSubject, walkCommits } from "./walk.js";
import { WEB_LIMITS } from "../limits.js";

export type { LogEntry, Rename } from "./log-parse.js";

/** A full object id: the only thing `after` may be. */
export const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export interface LogOptions {
  /** Full sha of the commit the walk starts from (a resolved ref: never request text). */
  tip: string;
  /** Limit to this path (repository-relative, UTF-8). */
  path?: string;
  /** Follow the file at `path` across renames (expensive: the whole history is walked once). */
  follow?: boolean;
  /** Start after this commit of the walk (full sha). */
  after?: string;
  /** Entries per page. */
  limit: number;
  /** Time budget of the git process (default WEB_LIMITS.logMs); what arrived by then is kept and the page says so. */
  timeoutMs?: number;
}

export interface LogPage {
  entries: LogEntry[];
  /** The sha to continue after when there are older commits, else null. */
  next: string | null;
  /** Why the walk stopped early (partial results): the time budget or the output cap ran out. */
  cut: "time" | "bytes" | null;
  /** Renames the followed file went through, newest first. */
  renames: Rename[];
}

/** `after` names no commit of this walk. */
export class AfterNotFoundError extends Error {
  constructor(readonly after: string) {
    super(`commit ${after} is not in this history`);
    this.name = "AfterNotFoundError";
  }
}

/** Most bytes of `git log` output one walk reads. */
const MAX_LOG_BYTES = 32 * 1024 * 1024;

interface Followed {
  entries: LogEntry[];
  renames: Rename[];
}

/** Whole followed histories by repository, tip and path: a full sha's history never changes. */
const followed = new LRUCache<string, Followed>({ maxSize: 200_000, sizeCalculation: (f) => f.entries.length + 1 });

/** Commits an in-process walk reads before it hands a deep page to `git log`. */
export const WALK_MAX = 1500;

/** One page of history, newest first. Throws AfterNotFoundError when `after` is not in the walk. */
export async function readLog(reader: RepoReader, options: LogOptions): Promise<LogPage> {
  if (options.after !== undefined && !FULL_SHA.test(options.after)) throw new Error(`after must be a full sha, not ${JSON.stringify(options.after)}`);
  if (!FULL_SHA.test(options.tip)) throw new Error(`tip must be a full sha, not ${JSON.stringify(options.tip)}`);
  if (options.path !== undefined && options.path !== "") return options.follow ? followPage(reader, options) : streamPage(reader, options);
  return (await walkPage(reader, options)) ?? streamPage(reader, options);
}

/** A commit as a log row, with the fields `git log --format=LOG_FORMAT` gives. */
export function entryOf(commit: Commit): LogEntry {
  return { oid: commit.oid, parents: commit.parents, author: commit.author.name, email: commit.author.email, time: commit.author.time, subject: gitSubject(commit.message) };
}

/** A ref's page walked in process; null when the walk would go deeper than WALK_MAX. */
async function walkPage(reader: RepoReader, options: LogOptions): Promise<LogPage | null> {
  const { limit, after } = options;
  const entries: LogEntry[] = [];
  let found = after === undefined;
  let visited = 0;
  let deep = false;
  await walkCommits((oid) => reader.commit(oid), options.tip, (commit) => {
    if (++visited > WALK_MAX) {
      deep = true;
      return false;
    }
    if (!found) {
      found = commit.oid === after;
      return true;
    }
    entries.push(entryOf(commit));
    return entries.length <= limit;
  });
  if (deep) return null;
  if (!found) throw new AfterNotFoundError(after!);
  const more = entries.length > limit;
  return { entries: entries.slice(0, limit), next: more ? entries[limit - 1]!.oid : null, cut: null, renames: [] };
}

function pathArgs(path: string | undefined): string[] {
  return path === undefined || path === "" ? [] : ["--", path];
}

/** A ref or path log, streamed and stopped as soon as the page (and one more, to know there is more) is in. */
async function streamPage(reader: RepoReader, options: LogOptions): Promise<LogPage> {
  const { limit, after } = options;
  const args = ["--literal-pathspecs", "log", "--no-color", `--format=${LOG_FORMAT}`];
  if (after === undefined) args.push(`-n${limit + 1}`);
  args.push(options.tip, ...pathArgs(options.path));
  const git = await reader.stream(args);
  const entries: LogEntry[] = [];
  let found = after === undefined;
  let cut: LogPage["cut"] = null;
  /** We stopped git (page full, budget or cap): its exit status means nothing then. */
  let done = false;
  const stop = () => {
    if (done) return;
    done = true;
    git.kill();
  };
  const take = (line: string) => {
    if (done || line === "") return;
    const entry = parseLogLine(line);
    if (!found) {
      found = entry.oid === after;
      return;
    }
    entries.push(entry);
    // With `-n` (no `after`) git stops by itself, sooner than a kill would end it.
    if (entries.length > limit && after !== undefined) stop();
  };
  // Data events, not async iteration: iterating a child's stdout costs milliseconds a page.
  await new Promise<void>((resolve, reject) => {
    let bytes = 0;
    let partial: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      cut = "time";
      stop();
    }, options.timeoutMs ?? WEB_LIMITS.logMs);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (!done && partial.length > 0) take(partial.toString("utf8"));
      resolve();
    };
    git.stdout.on("data", (chunk: Buffer) => {
      if (done) return;
      bytes += chunk.length;
      if (bytes > MAX_LOG_BYTES) {
        cut = "bytes";
        stop();
        return;
      }
      let data = partial.length > 0 ? Buffer.concat([partial, chunk]) : chunk;
      let nl = data.indexOf(10);
      while (nl >= 0 && !done) {
        take(data.toString("utf8", 0, nl));
        data = data.subarray(nl + 1);
        nl = data.indexOf(10);
      }
      partial = done ? Buffer.alloc(0) : Buffer.from(data);
    });
    git.stdout.on("end", finish);
    git.stdout.on("close", finish);
    git.stdout.on("error", (e) => {
      clearTimeout(timer);
      stop();
      reject(e);
    });
  });
  const { exitCode, stderr } = await git.done;
  if (!done && exitCode !== 0) throw new Error(`git log failed in ${reader.name}: ${stderr.trim()}`);
  if (!found && cut === null) throw new AfterNotFoundError(after!);
  const more = entries.length > limit;
  return { entries: entries.slice(0, limit), next: more ? entries[limit - 1]!.oid : null, cut, renames: [] };
}

/** A file's history across renames: walked whole once per (tip, path), then sliced into pages. */
async function followPage(reader: RepoReader, options: LogOptions): Promise<LogPage> {
  const key = `${reader.dir}\0${options.tip}\0${options.path}`;
  let history = followed.get(key);
  let cut: LogPage["cut"] = null;
  if (history === undefined) {
    const args = ["--literal-pathspecs", "log", "--no-color", "--follow", "--name-status", "-z", `--format=${FOLLOW_FORMAT}`, options.tip, ...pathArgs(options.path)];
    const run = await reader.git(args, { heavy: true, timeoutMs: options.timeoutMs ?? WEB_LIMITS.logMs, maxBytes: MAX_LOG_BYTES });
    if (!run.timedOut && !run.truncated && run.exitCode !== 0) throw new Error(`git log --follow failed in ${reader.name}: ${run.stderr.trim()}`);
    cut = run.timedOut ? "time" : run.truncated ? "bytes" : null;
    // A cut walk may end inside an entry: parseFollowLog drops what is incomplete.
    history = parseFollowLog(run.stdout, { complete: cut === null });
    if (cut === null) followed.set(key, history);
  }
  let start = 0;
  if (options.after !== undefined) {
    const at = history.entries.findIndex((e) => e.oid === options.after);
    if (at < 0) {
      if (cut !== null) return { entries: [], next: null, cut, renames: history.renames };
      throw new AfterNotFoundError(options.after);
    }
    start = at + 1;
  }
  const entries = history.entries.slice(start, start + options.limit);
  const more = history.entries.length > start + options.limit;
  return { entries, next: more ? entries[entries.length - 1]!.oid : null, cut, renames: history.renames };
}
