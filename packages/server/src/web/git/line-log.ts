// `git log -L A,B:PATH`: the commits that touched a range of lines, each with
// the diff of that range, read as git writes them. Bounded: heavy work, a
// time budget after which the commits found so far come back marked partial,
// and git is stopped as soon as one commit past the page shows up.
import type { RepoReader } from "./reader.js";

export interface LineLogEntry {
  oid: string;
  parents: string[];
  author: string;
  /** Author time, seconds since the epoch. */
  time: number;
  subject: string;
  /** The entry's diff (`diff --git`, `---`, `+++`, hunks), as git wrote it. */
  diff: string;
}

export interface LineLogResult {
  entries: LineLogEntry[];
  /** There are commits after these. */
  more: boolean;
  /** The budget ran out: more commits may touch the range than were found. */
  partial: boolean;
}

export interface LineLogOptions {
  /** Full sha of the commit to start from. */
  oid: string;
  /** Repo-relative path (UTF-8 text). */
  path: string;
  from: number;
  to: number;
  /** Commits to pass over first (paging). */
  skip: number;
  /** Commits on the page. */
  limit: number;
  timeoutMs: number;
  /** Stop reading past this much output (the page is then partial). */
  maxBytes?: number;
}

/** Each entry's header line starts with NUL, which no diff line does. */
const FORMAT = "--format=%x00%H%x00%P%x00%an%x00%at%x00%s";

/** A streaming parser of the output FORMAT gives `git log -L`. */
export class LineLogParser {
  readonly entries: LineLogEntry[] = [];
  private rest = "";
  private diff: string[] = [];

  /** Feed text; returns how many entries have started so far. */
  push(text: string): number {
    const data = this.rest + text;
    let start = 0;
    for (let nl = data.indexOf("\n"); nl >= 0; nl = data.indexOf("\n", start)) {
      this.line(data.slice(start, nl));
      start = nl + 1;
    }
    this.rest = data.slice(start);
    return this.entries.length;
  }

  /** The entries, the last one completed with what is left. */
  end(): LineLogEntry[] {
    if (this.rest !== "") this.line(this.rest);
    this.rest = "";
    this.close();
    return this.entries;
  }

  private line(line: string): void {
    if (line.startsWith("\0")) {
      this.close();
      const [oid = "", parents = "", author = "", time = "0", subject = ""] = line.slice(1).split("\0");
      this.entries.push({ oid, parents: parents === "" ? [] : parents.split(" "), author, time: Number(time) || 0, subject, diff: "" });
      return;
    }
    if (this.entries.length > 0 && (this.diff.length > 0 || line !== "")) this.diff.push(line);
  }

  private close(): void {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined && this.diff.length > 0) last.diff = this.diff.join("\n").replace(/\n+$/, "");
    this.diff = [];
  }
}

/** Run the line-range history of `options.path` lines `from`–`to` at `options.oid`. */
export async function lineLog(reader: RepoReader, options: LineLogOptions): Promise<LineLogResult> {
  const { oid, path, from, to, skip, limit } = options;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const args = ["log", FORMAT, "--no-color", "--no-ext-diff", "--no-textconv", `-L${from},${to}:${path}`, `--skip=${skip}`, `--max-count=${limit + 1}`, oid];
  const proc = await reader.stream(args, { heavy: true, timeoutMs: options.timeoutMs });
  const parser = new LineLogParser();
  let bytes = 0;
  let enough = false;
  let overflow = false;
  proc.stdout.setEncoding("utf8");
  proc.stdout.on("data", (text: string) => {
    if (enough || overflow) return;
    bytes += text.length;
    // One commit past the page is all it takes to know there is a next page.
    if (parser.push(text) > limit) {
      enough = true;
      proc.kill();
    } else if (bytes > maxBytes) {
      overflow = true;
      proc.kill();
    }
  });
  const done = await proc.done;
  const entries = parser.end();
  if (!enough && !done.timedOut && !overflow && done.exitCode !== 0) {
    throw new Error(`git log -L failed (${done.exitCode}): ${done.stderr.trim()}`);
  }
  const cut = (done.timedOut || overflow) && !enough;
  // An entry cut off mid-diff would show a wrong diff: leave it out.
  if (cut && entries.length > 0) entries.pop();
  return { entries: entries.slice(0, limit), more: entries.length > limit, partial: cut };
}
