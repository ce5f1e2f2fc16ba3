// Writing one log file (jobs/<job>/sh-<n>.log, jobs/<job>/log.log) in the
// quire log format 1 (docs/CI.md; the one reader is the server's
// runs/log-reader.ts): output lines kept as they are, a control character
// only where the stream changes, time marks every 10 ms of output, quire-ci's notes.
// Secrets are redacted before a long line is split; caps and the free-space
// reserve cut the log and say where; a failed write stops the file and is
// reported, never thrown.
import fs from "node:fs";
import { TextDecoder } from "node:util";
import { writeAllSync } from "../write-all.js";
import { FreeSpace } from "./free-space.js";
import type { Redactor } from "./redact.js";

export type Stream = "stdout" | "stderr";

/** A line longer than this (UTF-16 units) is written in pieces. */
export const MAX_LINE = 64 * 1024;

/** First characters of records that are not plain lines (a copy of @quire/shared's LOG_MARKS; wire.test.ts checks). */
export const LOG_MARKS = { stdout: "\x0f", stderr: "\x0e", directive: "\x1e" } as const;
const SI = LOG_MARKS.stdout;
const SO = LOG_MARKS.stderr;
const RS = LOG_MARKS.directive;
/** A line starting with one of these must carry its stream mark, or it would read as a directive or a switch. */
const NEEDS_MARK = /(^|\n)(?=[\x0e\x0f\x1e])/g;

/**
 * Lines carry the time of the last mark, written when output arrives at least
 * this long after the previous one: a line's time is at most this early, and
 * marks cost at most a few hundred bytes a second however output trickles in.
 */
export const TIME_STEP_MS = 10;

/** Byte caps on logs, shared by every log file of a run. */
export interface LogBudget {
  /** Most bytes one log file may hold. */
  shCap: number;
  /** Most bytes all log files of the run may hold together. */
  runCap: number;
  /** Bytes written so far by every log file of the run. */
  runUsed: number;
  /** The free space the logs must leave on the run directory's filesystem (:log-free-space). */
  space?: FreeSpace;
}

export const DEFAULT_SH_LOG_CAP = 64 * 1024 * 1024;
export const DEFAULT_RUN_LOG_CAP = 256 * 1024 * 1024;

export interface LogLimits {
  shCap?: number;
  runCap?: number;
  /** Bytes to leave free on the filesystem of `dir` (0: no reserve); default: see free-space.ts. */
  freeSpace?: number;
}

/** The budget of one run's logs; the free-space reserve applies when `dir` (the run directory) is given. */
export function newLogBudget(caps: LogLimits = {}, dir?: string): LogBudget {
  return {
    shCap: caps.shCap ?? DEFAULT_SH_LOG_CAP,
    runCap: caps.runCap ?? DEFAULT_RUN_LOG_CAP,
    runUsed: 0,
    ...(dir === undefined ? {} : { space: new FreeSpace(dir, caps.freeSpace) }),
  };
}

/** Where and why a log was cut. */
export interface LogCut {
  /** What cut it: this log's own cap, the run's cap, or the free-space reserve of the disk. */
  cap: "sh" | "run" | "disk";
  /** The cap, or for `disk` the reserve, in bytes. */
  limitBytes: number;
  /** Output bytes not kept. */
  droppedBytes: number;
}

export interface LogFileOptions {
  redactor: Redactor;
  budget: LogBudget;
  /** Each complete output line, redacted (for a terminal). */
  onLine?: (stream: Stream, line: string) => void;
  /** The file could not be opened or written; it is given up, once. */
  onWriteError?: (error: NodeJS.ErrnoException, file: string) => void;
  /**
   * Open and close synchronously: one system call each, where the default
   * hands both to libuv's thread pool (two thread hand-offs per file).
   */
  sync?: boolean;
  /**
   * With sync: create the file only when a record follows the header, so a
   * command that printed nothing leaves no file (readers take a missing log
   * for an empty one), unless close({ keep: true }) asks for it.
   */
  quiet?: boolean;
}

export interface LogSummary {
  bytes: number;
  cut?: LogCut;
  /** Set when the file could not be written. */
  writeError?: NodeJS.ErrnoException;
}

/** Why a log was cut, as its note and quire-ci's log say it. */
export function cutReason(cut: Pick<LogCut, "cap" | "limitBytes">): string {
  switch (cut.cap) {
    case "sh":
      return `this log reached its cap of ${cut.limitBytes} bytes (:sh-log-cap)`;
    case "run":
      return `the run's logs reached their cap of ${cut.limitBytes} bytes (:run-log-cap)`;
    case "disk":
      return `the disk holding the run's logs has less than ${cut.limitBytes} bytes free (:log-free-space)`;
  }
}

function capNote(cut: LogCut): string {
  return `quire-ci: output cut here: ${cutReason(cut)}; the rest of the output is not kept`;
}

export class LogFile {
  private fd: number | undefined;
  /** Records produced before the file is open (when it opens in the thread pool). */
  private early: string[] = [];
  private readonly opened: Promise<void>;
  private out = "";
  private bytes = 0;
  private stream: Stream = "stdout";
  private lastMs: number;
  private cut: LogCut | undefined;
  /** Set when fits() refused for want of free space rather than at a cap. */
  private lowSpace = false;
  private failure: NodeJS.ErrnoException | undefined;
  private closed = false;
  /** The header, held back while `quiet` leaves the file uncreated. */
  private deferred: string | undefined;
  private pending: Record<Stream, string> = { stdout: "", stderr: "" };
  private decoders: Record<Stream, TextDecoder> = { stdout: new TextDecoder("utf-8"), stderr: new TextDecoder("utf-8") };

  constructor(
    readonly file: string,
    private readonly options: LogFileOptions,
  ) {
    this.lastMs = Date.now();
    const header = `${RS}H quire-log 1 ${this.lastMs}\n`;
    this.append(header);
    if (options.sync) {
      this.opened = Promise.resolve();
      if (options.quiet) this.deferred = header;
      else this.openSync();
      this.flush();
      return;
    }
    this.flush();
    this.opened = new Promise((resolve) => {
      fs.open(file, "a", (err, fd) => {
        if (err) this.fail(err);
        else {
          this.fd = fd;
          const early = this.early.join("");
          this.early = [];
          if (early.length > 0) this.writeOut(early);
        }
        resolve();
      });
    });
  }

  /** Feed raw output; complete lines are written at once. */
  write(stream: Stream, chunk: Buffer): void {
    if (this.closed) return;
    if (this.cut) {
      this.cut.droppedBytes += chunk.length;
      return;
    }
    let text = this.pending[stream] + this.decoders[stream].decode(chunk, { stream: true });
    const nl = text.lastIndexOf("\n");
    if (nl >= 0) {
      this.lines(stream, this.options.redactor.redact(text.slice(0, nl + 1)));
      text = text.slice(nl + 1);
    }
    if (text.length > MAX_LINE && !this.cut) text = this.splitLong(stream, text);
    this.pending[stream] = this.cut ? "" : text;
    this.flush();
  }

  /** A line quire-ci itself adds (a timeout, a cut); never cut, never redacted away from view. */
  note(text: string): void {
    if (this.closed) return;
    this.mark();
    for (const line of this.options.redactor.redact(text).split("\n")) this.out += `${RS}N${line}\n`;
    this.flush();
  }

  /** Flush unterminated output and close the file; `keep` creates a quiet log that is still uncreated. */
  async close(options: { keep?: boolean } = {}): Promise<LogSummary> {
    if (!this.closed) {
      if (options.keep && this.deferred !== undefined) this.openSync();
      for (const stream of ["stdout", "stderr"] as const) {
        const rest = this.pending[stream] + this.decoders[stream].decode();
        this.pending[stream] = "";
        if (rest.length > 0 && !this.cut) this.piece(stream, this.options.redactor.redact(rest));
      }
      if (this.cut && this.cut.droppedBytes > 0) this.note(`quire-ci: ${this.cut.droppedBytes} bytes of output were not kept after the cut`);
      this.flush();
      this.closed = true;
    }
    await this.opened;
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      if (this.options.sync) closeQuietly(fd);
      else await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
    }
    return { bytes: this.bytes, ...(this.cut ? { cut: { ...this.cut } } : {}), ...(this.failure ? { writeError: this.failure } : {}) };
  }

  /** Complete lines (`block` ends with "\n", already redacted). */
  private lines(stream: Stream, block: string): void {
    const mark = stream === "stdout" ? SI : SO;
    let records = block.replace(NEEDS_MARK, `$1${mark}`);
    if (stream !== this.stream && records[0] !== mark) records = mark + records;
    if (!this.fits(records)) {
      this.linesUntilCut(stream, block);
      return;
    }
    this.mark();
    this.stream = stream;
    this.append(records);
    if (this.options.onLine) {
      for (const line of block.slice(0, -1).split("\n")) this.options.onLine(stream, line.endsWith("\r") ? line.slice(0, -1) : line);
    }
  }

  /** Over a cap: write the lines that fit, then the cut note. */
  private linesUntilCut(stream: Stream, block: string): void {
    const all = block.slice(0, -1).split("\n");
    let i = 0;
    for (; i < all.length; i++) {
      const one = all[i]! + "\n";
      const mark = stream === "stdout" ? SI : SO;
      const record = stream !== this.stream || /^[\x0e\x0f\x1e]/.test(one) ? mark + one : one;
      if (!this.fits(record)) break;
      this.mark();
      this.stream = stream;
      this.append(record);
      this.options.onLine?.(stream, all[i]!);
    }
    if (i < all.length) this.cutHere(Buffer.byteLength(all.slice(i).join("\n")) + 1);
  }

  /**
   * A line longer than MAX_LINE with no newline yet: redact it first, then
   * write all but the last (longest secret − 1) characters as pieces, so a
   * secret still arriving is never split across two records.
   */
  private splitLong(stream: Stream, text: string): string {
    const redacted = this.options.redactor.redact(text);
    const keep = Math.max(0, this.options.redactor.longest - 1);
    let start = 0;
    while (redacted.length - start >= MAX_LINE + keep && !this.cut) {
      let stop = start + MAX_LINE;
      // Never split a surrogate pair.
      if (isHighSurrogate(redacted.charCodeAt(stop - 1))) stop--;
      this.piece(stream, redacted.slice(start, stop));
      start = stop;
    }
    return redacted.slice(start);
  }

  /** A piece of a line: the next content record of this stream continues it. */
  private piece(stream: Stream, text: string): void {
    const mark = stream === "stdout" ? SI : SO;
    const record = `${RS}P\n${stream !== this.stream || /^[\x0e\x0f\x1e]/.test(text) ? mark : ""}${text}\n`;
    if (!this.fits(record)) {
      this.cutHere(Buffer.byteLength(text));
      return;
    }
    this.mark();
    this.stream = stream;
    this.append(record);
  }

  private fits(records: string): boolean {
    const { budget } = this.options;
    this.lowSpace = false;
    const room = Math.min(budget.shCap - this.bytes, budget.runCap - budget.runUsed);
    // Three bytes per UTF-16 unit at most: skip counting when that fits anyway.
    if (!(records.length * 3 <= room || Buffer.byteLength(records) <= room)) return false;
    this.lowSpace = budget.space?.low() ?? false;
    return !this.lowSpace;
  }

  private cutHere(droppedBytes: number): void {
    const { budget } = this.options;
    if (this.lowSpace) this.cut = { cap: "disk", limitBytes: budget.space!.reserveBytes, droppedBytes };
    else {
      const cap = this.bytes >= budget.shCap || budget.shCap - this.bytes <= budget.runCap - budget.runUsed ? "sh" : "run";
      this.cut = { cap, limitBytes: cap === "sh" ? budget.shCap : budget.runCap, droppedBytes };
    }
    this.pending = { stdout: "", stderr: "" };
    this.note(capNote(this.cut));
  }

  /** A time mark when the clock moved on by TIME_STEP_MS since the last one. */
  private mark(): void {
    const now = Date.now();
    if (now - this.lastMs < TIME_STEP_MS) return;
    this.append(`${RS}T${now - this.lastMs}\n`);
    this.lastMs = now;
  }

  private append(records: string): void {
    const size = Buffer.byteLength(records);
    this.bytes += size;
    this.options.budget.runUsed += size;
    this.options.budget.space?.wrote(size);
    this.out += records;
  }

  private openSync(): void {
    this.deferred = undefined;
    try {
      this.fd = fs.openSync(this.file, "a");
    } catch (e) {
      this.fail(e as NodeJS.ErrnoException);
    }
  }

  private flush(): void {
    if (this.out.length === 0) return;
    if (this.deferred !== undefined) {
      if (this.out === this.deferred) return;
      this.openSync();
    }
    const out = this.out;
    this.out = "";
    if (this.failure) return;
    if (this.fd === undefined) this.early.push(out);
    else this.writeOut(out);
  }

  private writeOut(text: string): void {
    if (this.failure || this.fd === undefined) return;
    try {
      writeAllSync(this.fd, text);
    } catch (e) {
      this.fail(e as NodeJS.ErrnoException);
    }
  }

  private fail(error: NodeJS.ErrnoException): void {
    if (this.failure) return;
    this.failure = error;
    this.early = [];
    if (this.fd !== undefined) {
      fs.close(this.fd, () => undefined);
      this.fd = undefined;
    }
    this.options.onWriteError?.(error, this.file);
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Written with writeSync: nothing is left to lose.
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
