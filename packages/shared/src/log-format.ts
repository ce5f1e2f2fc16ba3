// The run log format (quire log format 1, docs/CI.md): how quire-ci's log
// files (jobs/<job>/sh-<n>.log, log.log) are read back into lines with their
// stream and time, incrementally for live views. Also reads the CRI lines of
// logs written before the format existed. The server's runs/log-reader.ts is
// the entry point for readers; quire-ci's runtime/log-file.ts writes it.

/** `note` lines are quire-ci's own (a timeout, where a cap cut the log). */
export type LogStream = "stdout" | "stderr" | "note";

export interface LogLine {
  stream: LogStream;
  /** The line without its newline (and without one trailing "\r"). Pieces of a long line are joined. */
  text: string;
  /** When the line (its first piece) arrived, ms since the epoch. */
  atMs: number;
}

/** First characters of records that are not plain lines of the current stream. */
export const LOG_MARKS = { stdout: "\x0f", stderr: "\x0e", directive: "\x1e" } as const;
const SI = 0x0f;
const SO = 0x0e;
const RS = 0x1e;
const CRI = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (stdout|stderr) ([FP]) ?(.*)$/;

/** Parses a log as it grows: feed() text or bytes in order, end() at the end of the file. */
export class LogParser {
  private decoder = new TextDecoder("utf-8");
  private buffer = "";
  private format: "quire" | "cri" | undefined;
  private stream: "stdout" | "stderr" = "stdout";
  private timeMs = 0;
  private nextIsPiece = false;
  private pieces: Record<"stdout" | "stderr", { text: string; atMs: number } | undefined> = { stdout: undefined, stderr: undefined };

  /** Lines completed by `chunk`. */
  feed(chunk: string | Uint8Array): LogLine[] {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: LogLine[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const record = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.record(record, out);
    }
    return out;
  }

  /** The end of the file: an unterminated record and unfinished pieces become lines. */
  end(): LogLine[] {
    const out: LogLine[] = [];
    this.buffer += this.decoder.decode();
    if (this.buffer.length > 0) this.record(this.buffer, out);
    this.buffer = "";
    for (const stream of ["stdout", "stderr"] as const) {
      const piece = this.pieces[stream];
      if (piece) out.push({ stream, text: stripCr(piece.text), atMs: piece.atMs });
      this.pieces[stream] = undefined;
    }
    return out;
  }

  private record(record: string, out: LogLine[]): void {
    if (this.format === undefined) {
      if (record.charCodeAt(0) === RS && record[1] === "H") this.format = "quire";
      else if (CRI.test(record)) this.format = "cri";
      else this.format = "quire"; // a file without its header: read what it holds
    }
    if (this.format === "cri") return this.criRecord(record, out);
    const first = record.charCodeAt(0);
    if (first === RS) return this.directive(record, out);
    let text = record;
    if (first === SI || first === SO) {
      this.stream = first === SI ? "stdout" : "stderr";
      text = record.slice(1);
    }
    this.content(this.stream, text, this.nextIsPiece, this.timeMs, out);
    this.nextIsPiece = false;
  }

  private directive(record: string, out: LogLine[]): void {
    const kind = record[1];
    const rest = record.slice(2);
    if (kind === "H") {
      // `\x1eH quire-log 1 <epoch ms>`: a (re)start of the log; later versions add fields.
      const ms = Number(rest.trim().split(/\s+/)[2]);
      if (Number.isFinite(ms)) this.timeMs = ms;
      this.stream = "stdout";
    } else if (kind === "T") {
      const delta = Number(rest);
      if (Number.isFinite(delta)) this.timeMs += delta;
    } else if (kind === "P") {
      this.nextIsPiece = true;
    } else if (kind === "N") {
      out.push({ stream: "note", text: rest, atMs: this.timeMs });
    }
    // Unknown directives are skipped: a newer writer's additions.
  }

  private content(stream: "stdout" | "stderr", text: string, isPiece: boolean, atMs: number, out: LogLine[]): void {
    const piece = this.pieces[stream];
    if (isPiece) {
      if (piece) piece.text += text;
      else this.pieces[stream] = { text, atMs };
      return;
    }
    this.pieces[stream] = undefined;
    out.push(piece ? { stream, text: stripCr(piece.text + text), atMs: piece.atMs } : { stream, text: stripCr(text), atMs });
  }

  private criRecord(record: string, out: LogLine[]): void {
    const m = CRI.exec(record);
    if (m === null) return;
    const atMs = Date.parse(m[1]!);
    this.content(m[2] as "stdout" | "stderr", m[4]!, m[3] === "P", Number.isFinite(atMs) ? atMs : 0, out);
  }
}

function stripCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

/** Every line of a log held in memory. */
export function parseLog(text: string | Uint8Array): LogLine[] {
  const parser = new LogParser();
  return [...parser.feed(text), ...parser.end()];
}
