// Parsers for the two `git log` outputs the web view reads (log.ts runs them):
// one commit per line with NUL-separated fields, and `--follow --name-status
// -z` records whose paths stay bytes (a file may once have had a name that is
// not UTF-8). Pure functions over git's output.

import { NulFields } from "./nul-fields.js";

/** One commit as a log lists it. */
export interface LogEntry {
  oid: string;
  parents: string[];
  author: string;
  email: string;
  /** Author time, seconds since the epoch. */
  time: number;
  /** git's subject: the message's first paragraph on one line. */
  subject: string;
  /** Following a file: its path at this commit (bytes) and how it changed (`A`, `M`, `D`, `R097`…). */
  path?: Buffer;
  status?: string;
}

/** A followed file's rename: at commit `oid` the file `from` became `to`. */
export interface Rename {
  oid: string;
  /** The commit's first parent, where `from` still had its old name. */
  parent: string | null;
  from: Buffer;
  to: Buffer;
}

/** Hash, parents, author name and email, author time, subject. */
export const LOG_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%at%x00%s";
/** The same, each record opened by \x01 so `--name-status -z` entries can follow it. */
export const FOLLOW_FORMAT = `%x01${LOG_FORMAT}`;

function entryOf(fields: string[]): LogEntry {
  const [oid = "", parents = "", author = "", email = "", time = "0", ...subject] = fields;
  return { oid, parents: parents === "" ? [] : parents.split(" "), author, email, time: Number(time) || 0, subject: subject.join(" ") };
}

/** One line of `git log --format=LOG_FORMAT`. */
export function parseLogLine(line: string): LogEntry {
  return entryOf(line.split("\0"));
}

const FIELDS = 6;

/**
 * Parse `git log --follow --name-status -z --format=FOLLOW_FORMAT`. When the
 * output was cut (`complete: false`), the last record may be unfinished and
 * is dropped.
 */
export function parseFollowLog(out: Buffer, options: { complete: boolean }): { entries: LogEntry[]; renames: Rename[] } {
  const entries: LogEntry[] = [];
  const renames: Rename[] = [];
  const cursor = new NulFields(out);
  const field = () => cursor.next();
  while (!cursor.done) {
    if (cursor.peek() !== 0x01) throw new Error(`unexpected git log output at byte ${cursor.pos}`);
    cursor.pos++;
    const fields: string[] = [];
    for (let i = 0; i < FIELDS; i++) {
      const f = field();
      if (f === null) return finish();
      fields.push(f.toString("utf8"));
    }
    const entry = entryOf(fields);
    if (cursor.peek() === 0x0a) cursor.pos++;
    let first = true;
    let ended = false;
    let rename: Rename | null = null;
    while (!cursor.done && cursor.peek() !== 0x01) {
      const status = field();
      if (status === null) {
        ended = true;
        break;
      }
      const s = status.toString("latin1");
      const a = field();
      const b = s.startsWith("R") || s.startsWith("C") ? field() : a;
      if (a === null || b === null) {
        ended = true;
        break;
      }
      if (first) {
        entry.status = s;
        entry.path = Buffer.from(b);
        if (s.startsWith("R")) rename = { oid: entry.oid, parent: entry.parents[0] ?? null, from: Buffer.from(a), to: Buffer.from(b) };
        first = false;
      }
    }
    // Output that was cut may end inside this record's paths: keep only records known whole.
    if (!options.complete && (ended || cursor.done)) break;
    entries.push(entry);
    if (rename !== null) renames.push(rename);
  }
  return finish();

  function finish() {
    return { entries, renames };
  }
}
