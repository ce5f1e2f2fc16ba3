// The wire between the server and its spawn helper (spawn-helper.ts,
// spawn-helper-process.ts): frames of [type u8][child id u32][length u32]
// [payload] over the helper's stdin and stdout. Node built-ins only: the
// helper process loads this and nothing else.

/** Server → helper. */
export const TO_HELPER = {
  /** JSON `SpawnRequest`. */
  spawn: 1,
  /** Bytes for the child's stdin. */
  stdin: 2,
  /** Close the child's stdin. */
  stdinEnd: 3,
  /** UTF-8 signal name. */
  kill: 4,
  /** Stop reading the child's stdout (the server's reader is full) / read it again. */
  pause: 5,
  resume: 6,
} as const;

/** Helper → server. */
export const FROM_HELPER = {
  /** JSON `{ pid }`: the child runs. */
  spawned: 10,
  /** JSON `SpawnFailure`: the child's `error` event (could not start, could not be signalled). */
  error: 11,
  stdout: 12,
  stderr: 13,
  /** JSON `{ code, signal }`: the child's `close` event, after all of its output. */
  close: 14,
} as const;

export interface SpawnRequest {
  file: string;
  args: string[];
  cwd?: string;
  env: Record<string, string>;
}

export interface SpawnFailure {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

const HEADER = 9;

/** One frame, header and payload in one buffer. */
export function encodeFrame(type: number, id: number, payload: Buffer | string = ""): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const frame = Buffer.allocUnsafe(HEADER + body.length);
  frame.writeUInt8(type, 0);
  frame.writeUInt32BE(id, 1);
  frame.writeUInt32BE(body.length, 5);
  body.copy(frame, HEADER);
  return frame;
}

/** Cuts a byte stream into frames: push chunks as they arrive. */
export class FrameReader {
  /** Chunks of an unfinished frame, joined once it is whole (a big frame arrives in many chunks). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly onFrame: (type: number, id: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < HEADER) return;
    if (this.pending[0]!.length < HEADER) this.pending = [Buffer.concat(this.pending)];
    if (this.pendingBytes < HEADER + this.pending[0]!.readUInt32BE(5)) return;
    let data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    while (data.length >= HEADER) {
      const length = data.readUInt32BE(5);
      if (data.length < HEADER + length) break;
      const type = data.readUInt8(0);
      const id = data.readUInt32BE(1);
      const payload = data.subarray(HEADER, HEADER + length);
      data = data.subarray(HEADER + length);
      this.onFrame(type, id, payload);
    }
    // Keep a partial frame in its own memory, not as a view pinning the whole chunk.
    this.pending = data.length === 0 ? [] : [Buffer.from(data)];
    this.pendingBytes = data.length;
  }
}
