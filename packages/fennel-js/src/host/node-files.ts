// Files for the cli profile's io library, on real file descriptors: buffered
// reads (lines, counts, numbers, everything), positioned writes, seek, and a
// stdout sink that keeps print and io.write output in order, byte for byte.
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { runShell } from "./shell.js";

/** Where program output goes; flushed before stderr writes, reads and exit. */
export interface OutputSink {
  write(bytes: Uint8Array): void;
  flush(): void;
}

function writeAllSync(fd: number, data: Uint8Array, position: number | null = null): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off, data.length - off, position === null ? null : position + off);
    } catch (e) {
      const code = (e as { code?: string }).code;
      // The reader went away (`| head`): stop as a Lua process would on SIGPIPE.
      if (code === "EPIPE" && (fd === 1 || fd === 2)) process.exit(141);
      if (code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

/** Buffers output to a file descriptor; flushes at 64 KiB and on demand. */
export class FdSink implements OutputSink {
  private chunks: Uint8Array[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  write(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
    if (this.size >= 65536) this.flush();
  }
  flush(): void {
    if (this.size === 0) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    writeAllSync(this.fd, all);
  }
}

export interface FileMode {
  read: boolean;
  write: boolean;
  append: boolean;
}

/** Lua's fopen modes: r w a, optional +, optional b. */
export function parseMode(mode: string): { flags: string; mode: FileMode } | undefined {
  const m = /^([rwa])(\+?)b*$/.exec(mode);
  if (!m) return undefined;
  const plus = m[2] === "+";
  const kind = m[1];
  const flags = kind + (plus ? "+" : "");
  return {
    flags,
    mode: { read: kind === "r" || plus, write: kind !== "r" || plus, append: kind === "a" },
  };
}

export interface NodeFileOptions {
  /** stdin, pipes: no positions, no seeking. */
  stream?: boolean;
  /** For stdout/stderr: the sink that orders output. */
  sink?: OutputSink;
  /** A popen'ed reader: the command's captured output, readable as a file. */
  preload?: Buffer;
  /** How a popen'ed command ended; reported by close. */
  exit?: ExitStatus;
  /** A popen'ed writer: what is written becomes this command's stdin at close. */
  command?: string;
}

export interface ExitStatus {
  code: number;
  signal: string | null;
}

export class NodeFile {
  private rbuf: Buffer = Buffer.alloc(0);
  private eof = false;
  /** Position of the next unread byte; null for streams (stdin, pipes). */
  private pos: number | null;
  private readonly sink: OutputSink | undefined;
  private readonly command: string | undefined;
  private readonly piped: Uint8Array[] = [];
  exit: ExitStatus | undefined;
  closed = false;

  constructor(
    readonly fd: number,
    readonly mode: FileMode,
    opts: NodeFileOptions = {},
  ) {
    this.pos = opts.stream || opts.command !== undefined || opts.preload ? null : 0;
    this.sink = opts.sink;
    this.exit = opts.exit;
    this.command = opts.command;
    if (opts.preload) {
      this.rbuf = opts.preload;
      this.eof = true;
    }
  }

  /** The next chunk after what is buffered, or undefined at end of file. */
  private readChunk(): Buffer | undefined {
    if (this.eof) return undefined;
    const chunk = Buffer.alloc(65536);
    let n: number;
    for (;;) {
      try {
        n = readSync(this.fd, chunk, 0, chunk.length, this.pos === null ? null : this.pos + this.rbuf.length);
        break;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "EAGAIN") {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        if (code === "EOF") {
          n = 0;
          break;
        }
        throw e;
      }
    }
    if (n === 0) {
      this.eof = true;
      return undefined;
    }
    return chunk.subarray(0, n);
  }

  private fill(): boolean {
    const chunk = this.readChunk();
    if (chunk === undefined) return false;
    this.rbuf = this.rbuf.length === 0 ? chunk : Buffer.concat([this.rbuf, chunk]);
    return true;
  }

  private take(n: number): Buffer {
    const out = this.rbuf.subarray(0, n);
    this.rbuf = this.rbuf.subarray(n);
    if (this.pos !== null) this.pos += n;
    return out;
  }

  readLine(keepNewline: boolean): Buffer | undefined {
    let scanned = 0;
    for (;;) {
      const nl = this.rbuf.indexOf(10, scanned);
      if (nl >= 0) {
        const line = this.take(nl + 1);
        return keepNewline ? line : line.subarray(0, nl);
      }
      scanned = this.rbuf.length;
      if (!this.fill()) break;
    }
    if (this.rbuf.length === 0) return undefined;
    return this.take(this.rbuf.length);
  }

  readAll(): Buffer {
    // Gather chunks and join once: appending each to the buffer would be quadratic.
    const parts: Buffer[] = [this.take(this.rbuf.length)];
    for (let chunk = this.readChunk(); chunk !== undefined; chunk = this.readChunk()) {
      parts.push(chunk);
      if (this.pos !== null) this.pos += chunk.length;
    }
    return Buffer.concat(parts);
  }

  readCount(n: number): Buffer | undefined {
    while (this.rbuf.length < Math.max(n, 1) && this.fill());
    if (this.rbuf.length === 0) return undefined;
    return this.take(Math.min(n, this.rbuf.length));
  }

  /** The text of a numeral at the read position (Lua's read "n"), or "" if none. */
  readNumeral(): string {
    const peek = (): number | undefined => {
      if (this.rbuf.length === 0 && !this.fill()) return undefined;
      return this.rbuf[0];
    };
    let c = peek();
    while (c !== undefined && (c === 32 || (c >= 9 && c <= 13))) {
      this.take(1);
      c = peek();
    }
    let text = "";
    const accept = (re: RegExp): boolean => {
      const ch = peek();
      if (ch === undefined || text.length >= 200) return false;
      const s = String.fromCharCode(ch);
      if (!re.test(s)) return false;
      text += s;
      this.take(1);
      return true;
    };
    accept(/[-+]/);
    let hex = false;
    if (accept(/0/)) hex = accept(/[xX]/);
    const digit = hex ? /[0-9a-fA-F]/ : /[0-9]/;
    while (accept(digit));
    if (accept(/\./)) while (accept(digit));
    if (accept(hex ? /[pP]/ : /[eE]/)) {
      accept(/[-+]/);
      while (accept(/[0-9]/));
    }
    return text;
  }

  write(bytes: Uint8Array): void {
    if (this.command !== undefined) {
      this.piped.push(bytes);
      return;
    }
    if (this.sink) {
      this.sink.write(bytes);
      return;
    }
    if (this.pos === null || this.mode.append) {
      writeAllSync(this.fd, bytes);
      if (this.pos !== null) this.pos = fstatSync(this.fd).size;
    } else {
      this.rbuf = Buffer.alloc(0);
      this.eof = false;
      writeAllSync(this.fd, bytes, this.pos);
      this.pos += bytes.length;
    }
  }

  seek(whence: string, offset: number): number {
    if (this.pos === null) throw Object.assign(new Error("Illegal seek"), { errno: 29 });
    const base = whence === "set" ? 0 : whence === "end" ? fstatSync(this.fd).size : this.pos;
    const target = base + offset;
    if (target < 0) throw Object.assign(new Error("Invalid argument"), { errno: 22 });
    this.pos = target;
    this.rbuf = Buffer.alloc(0);
    this.eof = false;
    return target;
  }

  flush(): void {
    this.sink?.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.sink) this.sink.flush();
    else if (this.fd >= 0) closeSync(this.fd);
    if (this.command !== undefined) {
      const r = runShell(this.command, { input: Buffer.concat(this.piped), stdio: ["pipe", "inherit", "inherit"] });
      this.exit = { code: r.status ?? 0, signal: r.signal };
    }
  }
}

export function openFile(path: string, luaMode: string): NodeFile {
  const parsed = parseMode(luaMode);
  if (!parsed) throw new Error(`invalid mode '${luaMode}'`);
  const fd = openSync(path, parsed.flags);
  return new NodeFile(fd, parsed.mode);
}
