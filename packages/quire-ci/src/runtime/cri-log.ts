// One CRI-format log per sh call: `<RFC3339Nano ts> stdout|stderr F <line>`,
// written line by line as output arrives, secrets redacted. Lines longer than
// MAX_LINE are split and the early pieces tagged `P` (partial), as CRI does.
import fs from "node:fs";
import { TextDecoder } from "node:util";
import type { Redactor } from "./redact.js";

export type Stream = "stdout" | "stderr";
const MAX_LINE = 64 * 1024;

/** RFC 3339 UTC timestamp with nanosecond digits (microsecond precision). */
export function rfc3339Nano(epochMs: number = performance.timeOrigin + performance.now()): string {
  const whole = Math.floor(epochMs);
  const iso = new Date(whole).toISOString(); // 2026-01-02T03:04:05.678Z
  const micros = Math.floor((epochMs - whole) * 1000);
  return `${iso.slice(0, 23)}${String(micros).padStart(3, "0")}000Z`;
}

export class CriLogWriter {
  private fd: number | undefined;
  /** Lines produced before the file is open (it opens off the main thread). */
  private early: string[] = [];
  private readonly opened: Promise<void>;
  private pending: Record<Stream, string> = { stdout: "", stderr: "" };
  private decoders: Record<Stream, TextDecoder> = {
    stdout: new TextDecoder("utf-8"),
    stderr: new TextDecoder("utf-8"),
  };

  constructor(
    file: string,
    private readonly redactor: Redactor,
    private readonly onLine?: (stream: Stream, line: string) => void,
  ) {
    this.opened = new Promise((resolve) => {
      fs.open(file, "a", (err, fd) => {
        if (err) {
          process.stderr.write(`quire-ci: cannot write log ${file}: ${err.message}\n`);
        } else {
          this.fd = fd;
          if (this.early.length > 0) fs.writeSync(fd, this.early.join(""));
        }
        this.early = [];
        resolve();
      });
    });
  }

  /** Feed raw output; complete lines are written at once. */
  write(stream: Stream, chunk: Buffer): void {
    let text = this.pending[stream] + this.decoders[stream].decode(chunk, { stream: true });
    let nl: number;
    while ((nl = text.indexOf("\n")) >= 0) {
      this.line(stream, "F", text.slice(0, nl));
      text = text.slice(nl + 1);
    }
    while (text.length > MAX_LINE) {
      this.line(stream, "P", text.slice(0, MAX_LINE));
      text = text.slice(MAX_LINE);
    }
    this.pending[stream] = text;
  }

  /** A line quire-ci itself adds (e.g. a timeout notice). */
  note(stream: Stream, text: string): void {
    this.line(stream, "F", text);
  }

  /** Flush unterminated output and close the file. */
  async close(): Promise<void> {
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.pending[stream] + this.decoders[stream].decode();
      if (rest.length > 0) this.line(stream, "F", rest);
      this.pending[stream] = "";
    }
    await this.opened;
    if (this.fd !== undefined) fs.close(this.fd, () => undefined);
    this.fd = undefined;
  }

  private line(stream: Stream, tag: "F" | "P", raw: string): void {
    const text = this.redactor.redact(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    const line = `${rfc3339Nano()} ${stream} ${tag} ${text}\n`;
    if (this.fd !== undefined) fs.writeSync(this.fd, line);
    else this.early.push(line);
    this.onLine?.(stream, text);
  }
}
