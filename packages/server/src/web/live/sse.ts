// Server-Sent Events responses: one stream per client, messages encoded once
// and the same bytes handed to every client, a comment every 20 s so proxies
// keep the connection, a cap on clients (503 beyond it), and a client that
// falls too far behind is cut off: it reconnects with Last-Event-ID and
// resumes where it really was.
import { HttpError } from "../../errors.js";
import { SECURITY_HEADERS } from "../respond.js";
import type { WebContext } from "../context.js";

export interface SseMessage {
  event: string;
  /** The reader's position after this message (sent back as Last-Event-ID). */
  id?: string;
  data: unknown;
}

const encoder = new TextEncoder();

/** One message as the bytes of the event-stream format. */
export function encodeSse(message: SseMessage): Uint8Array {
  const data = JSON.stringify(message.data);
  // JSON never holds a raw newline, so the data is one line.
  return encoder.encode(`event: ${message.event}\n${message.id === undefined ? "" : `id: ${message.id}\n`}data: ${data}\n\n`);
}

/** Bytes a client may have queued before it is cut off. */
const MAX_BACKLOG = 4 * 1024 * 1024;
const HEARTBEAT_MS = 20_000;
const PING = encoder.encode(": ping\n\n");

export class SseClient {
  closed = false;
  private readonly closers: (() => void)[] = [];

  constructor(private readonly controller: ReadableStreamDefaultController<Uint8Array>) {}

  /** Queue bytes; false once the client is gone (or was cut off for falling behind). */
  send(bytes: Uint8Array): boolean {
    if (this.closed) return false;
    if ((this.controller.desiredSize ?? 0) < -MAX_BACKLOG) {
      this.close();
      return false;
    }
    this.controller.enqueue(bytes);
    return true;
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closers.push(fn);
  }

  /** End the stream (the reader sees it end; a browser reconnects unless told not to). */
  close(): void {
    if (this.closed) return;
    this.gone();
    try {
      this.controller.close();
    } catch {
      // Already closed by the other side.
    }
  }

  /** The connection went away. */
  gone(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closers.splice(0)) fn();
  }
}

export class SseHub {
  readonly clients = new Set<SseClient>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly maxClients = 1000) {}

  /** A streaming response; `start` runs once the client exists (it may send at once). */
  open(c: WebContext, start: (client: SseClient) => void | Promise<void>): Response {
    const headers = {
      ...SECURITY_HEADERS,
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    };
    if (c.req.method === "HEAD") return new Response(null, { status: 200, headers });
    if (this.clients.size >= this.maxClients) {
      throw new HttpError(503, "busy", `the server is following ${this.clients.size} live pages already; reload in a while`);
    }
    let client: SseClient | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          const cl = new SseClient(controller);
          client = cl;
          this.clients.add(cl);
          cl.onClose(() => {
            this.clients.delete(cl);
            if (this.clients.size === 0) this.stopHeartbeat();
          });
          this.startHeartbeat();
          controller.enqueue(encoder.encode("retry: 1000\n\n"));
          void Promise.resolve()
            .then(() => start(cl))
            .catch(() => cl.close());
        },
        cancel: () => client?.gone(),
      },
      { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
    );
    c.req.raw.signal?.addEventListener("abort", () => client?.gone());
    return new Response(body, { status: 200, headers });
  }

  close(): void {
    for (const client of [...this.clients]) client.close();
    this.stopHeartbeat();
  }

  private startHeartbeat(): void {
    this.heartbeat ??= setInterval(() => {
      for (const client of this.clients) client.send(PING);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
