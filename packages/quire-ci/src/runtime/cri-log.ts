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
  private fd: number;
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
    this.fd = fs.openSync(file, "a");
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
  close(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.pending[stream] + this.decoders[stream].decode();
      if (rest.length > 0) this.line(stream, "F", rest);
      this.pending[stream] = "";
    }
    fs.closeSync(this.fd);
  }

  private line(stream: Stream, tag: "F" | "P", raw: string): void {
    const text = this.redactor.redact(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    fs.writeSync(this.fd, `${rfc3339Nano()} ${stream} ${tag} ${text}\n`);
    this.onLine?.(stream, text);
  }
}
