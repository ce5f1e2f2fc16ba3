// One log file as the web view shows it: read incrementally (only what the
// file gained since the last look), every line numbered and rendered once
// (ANSI colours carry from line to line), the last lines kept for the run
// page's tail and for live clients. Views are shared by pages and live
// streams through one bounded cache. Files are read with runs/log-reader.ts.
import { open } from "node:fs/promises";
import { LRUCache } from "lru-cache";
import { LogFollower } from "../../runs/log-follow.js";
import { LogParser, type LogLine, type LogStream } from "../../runs/log-reader.js";
import { AnsiRenderer } from "../render/ansi.js";

export interface RenderedLine {
  /** 1-based line number in the log. */
  n: number;
  stream: LogStream;
  html: string;
}

/** Lines the run page shows of a log before it shows only the tail. */
export const TAIL_LINES = 1000;
/** Bytes of rendered lines kept for the tail, whatever their number. */
export const TAIL_BYTES = 256 * 1024;
const READ_BLOCK = 256 * 1024;

export class LogView {
  /** Lines read so far. */
  count = 0;
  private readonly follower: LogFollower;
  private ansi = new AnsiRenderer();
  private tail: RenderedLine[] = [];
  private tailBytes = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {
    this.follower = new LogFollower(file);
  }

  /** The file's end was seen after its writer finished: its unterminated last line is out too. */
  get ended(): boolean {
    return this.follower.ended;
  }

  /** Read what the file gained; `final` (its writer is done) also takes an unterminated last line. Returns the new lines. */
  refresh(final = false): Promise<RenderedLine[]> {
    const next = this.queue.then(() => this.read(final));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The last lines read (at most TAIL_LINES, TAIL_BYTES of HTML). */
  lastLines(): readonly RenderedLine[] {
    return this.tail;
  }

  /** Lines after `n` if they are all still in the tail, else undefined (read them with readLogRange). */
  linesAfter(n: number): RenderedLine[] | undefined {
    if (n >= this.count) return [];
    const first = this.tail[0]?.n ?? this.count + 1;
    return n + 1 >= first ? this.tail.slice(n + 1 - first) : undefined;
  }

  private async read(final: boolean): Promise<RenderedLine[]> {
    const { lines, restarted } = await this.follower.read(final);
    if (restarted) {
      this.count = 0;
      this.ansi = new AnsiRenderer();
      this.tail = [];
      this.tailBytes = 0;
    }
    return this.take(lines);
  }

  private take(lines: LogLine[]): RenderedLine[] {
    const out: RenderedLine[] = [];
    for (const line of lines) {
      const rendered = { n: ++this.count, stream: line.stream, html: this.ansi.line(line.text) };
      out.push(rendered);
      this.tail.push(rendered);
      this.tailBytes += rendered.html.length + 16;
    }
    let drop = 0;
    while (this.tail.length - drop > 1 && (this.tail.length - drop > TAIL_LINES || this.tailBytes > TAIL_BYTES)) {
      this.tailBytes -= this.tail[drop]!.html.length + 16;
      drop++;
    }
    if (drop > 0) this.tail = this.tail.slice(drop);
    return out;
  }
}

/** Lines `from`..`to` (1-based, inclusive) of a log file, rendered, plus the number of lines it holds. */
export async function readLogRange(file: string, from: number, to: number): Promise<{ lines: RenderedLine[]; total: number }> {
  const lines: RenderedLine[] = [];
  const parser = new LogParser();
  const ansi = new AnsiRenderer();
  let n = 0;
  const take = (batch: LogLine[]) => {
    for (const line of batch) {
      n++;
      // Lines before the range still pass through the renderer: colours carry.
      const html = ansi.line(line.text);
      if (n >= from && n <= to) lines.push({ n, stream: line.stream, html });
    }
  };
  let handle;
  try {
    handle = await open(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { lines, total: 0 };
    throw e;
  }
  try {
    const block = Buffer.alloc(READ_BLOCK);
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.length, null);
      if (bytesRead === 0) break;
      take(parser.feed(block.subarray(0, bytesRead)));
    }
    take(parser.end());
  } finally {
    await handle.close();
  }
  return { lines, total: n };
}

/** The shared views, by file path; the least recently used are dropped past 256 (each holds at most TAIL_BYTES). */
export class LogViews {
  private readonly views = new LRUCache<string, LogView>({ max: 256 });

  get(file: string): LogView {
    let view = this.views.get(file);
    if (view === undefined) {
      view = new LogView(file);
      this.views.set(file, view);
    }
    return view;
  }

  clear(): void {
    this.views.clear();
  }
}
