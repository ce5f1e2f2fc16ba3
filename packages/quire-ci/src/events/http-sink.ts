// Live delivery of events to POST /api/run/events, strictly in seq order.
// 2xx or 409 (already recorded) moves on; 5xx and lost connections retry
// with backoff; the run never waits on the server (events.jsonl is the record).
import type { RunEvent } from "@quire/shared";
import type { EventSink } from "./emitter.js";
import type { HttpClient } from "./http-client.js";

export interface HttpSinkOptions {
  /** How long close() keeps trying to deliver what is queued. */
  drainMs?: number;
  /** First retry delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  warn?: (message: string) => void;
}

const EVENTS_PATH = "/api/run/events";

export class HttpEventSink implements EventSink {
  private queue: RunEvent[] = [];
  private pumping: Promise<void> | undefined;
  private closing = false;
  private deadline = Infinity;
  private wake: (() => void) | undefined;
  private stopped = false;
  delivered = 0;
  dropped = 0;

  constructor(private readonly client: HttpClient, private readonly options: HttpSinkOptions = {}) {}

  write(event: RunEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.deadline = Date.now() + (this.options.drainMs ?? 3000);
    this.wake?.();
    if (this.pumping) await this.pumping;
    if (this.queue.length > 0) {
      this.options.warn?.(`gave up sending ${this.queue.length} event(s) to the server; events.jsonl has them`);
      this.dropped += this.queue.length;
      this.queue = [];
    }
    this.stopped = true;
  }

  private async pump(): Promise<void> {
    let backoff = this.options.backoffMs ?? 100;
    const maxBackoff = this.options.maxBackoffMs ?? 2000;
    while (this.queue.length > 0 && !this.stopped) {
      if (this.closing && Date.now() > this.deadline) return;
      const event = this.queue[0]!;
      let retry = false;
      try {
        const res = await this.client.request("POST", EVENTS_PATH, JSON.stringify(event), 5000);
        if ((res.status >= 200 && res.status < 300) || res.status === 409) {
          this.delivered++;
          this.queue.shift();
          backoff = this.options.backoffMs ?? 100;
        } else if (res.status >= 500 || res.status === 429) {
          retry = true;
        } else if (res.status === 401 || res.status === 403) {
          this.options.warn?.(`the server refused the run token (HTTP ${res.status}); no more live events, events.jsonl has them`);
          this.stopped = true;
          this.dropped += this.queue.length;
          this.queue = [];
        } else {
          this.options.warn?.(`the server rejected event seq ${event.seq} (HTTP ${res.status}): ${res.body.slice(0, 200)}`);
          this.dropped++;
          this.queue.shift();
        }
      } catch {
        retry = true;
      }
      if (retry) {
        if (this.closing && Date.now() + backoff > this.deadline) return;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }
}
