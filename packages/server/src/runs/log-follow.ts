// Reading a log file as it grows: each read returns the lines completed
// since the last one (the file is read from where the last read stopped),
// through the one log reader (log-reader.ts). Used by the web view's log
// views and by `quire ci logs --follow`.
import { open } from "node:fs/promises";
import { LogParser, type LogLine } from "./log-reader.js";

const READ_BLOCK = 256 * 1024;

export class LogFollower {
  /** Bytes consumed so far. */
  offset = 0;
  /** The end was read after the writer finished: nothing more will come. */
  ended = false;
  private parser = new LogParser();

  constructor(readonly file: string) {}

  /**
   * The lines the file gained since the last read (none while it does not
   * exist). `final` (the writer is done) also returns an unterminated last line.
   * A file that got shorter was replaced: it is read again from its start, and
   * `restarted` says so.
   */
  async read(final = false): Promise<{ lines: LogLine[]; restarted: boolean }> {
    const lines: LogLine[] = [];
    let restarted = false;
    if (this.ended) return { lines, restarted };
    let handle;
    try {
      handle = await open(this.file, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        if (final) this.ended = true;
        return { lines, restarted };
      }
      throw e;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) {
        this.offset = 0;
        this.parser = new LogParser();
        restarted = true;
      }
      const block = Buffer.alloc(Math.min(READ_BLOCK, Math.max(1, size - this.offset)));
      while (this.offset < size) {
        const { bytesRead } = await handle.read(block, 0, Math.min(block.length, size - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        for (const line of this.parser.feed(block.subarray(0, bytesRead))) lines.push(line);
      }
      if (final) {
        for (const line of this.parser.end()) lines.push(line);
        this.ended = true;
      }
    } finally {
      await handle.close();
    }
    return { lines, restarted };
  }
}
