// Live delivery of events to POST /api/run/events, strictly in seq order.
// Queued events go as one array, and while events keep coming at most one
// request leaves per minIntervalMs. 2xx moves on; 409 means already recorded
// (the server names the seq it expects next; one this sender no longer has
// ends live delivery); 5xx and lost connections retry with backoff; every
// other answer moves on too. The run never waits on the server: events.jsonl
// is the record.
import type { RunEvent } from "@quire/shared";
import type { EventSink } from "./emitter.js";
import type { HttpClient } from "./http-client.js";

export interface HttpSinkOptions {
  /** How long close() keeps trying to deliver what is queued. */
  drainMs?: number;
  /**
   * How long a new event waits for company before it is sent, so a burst of
   * quick sh calls costs one request rather than two each. Default 10 ms.
   */
  coalesceMs?: number;
  /**
   * Least time from one request to the next while events keep coming, so a
   * long burst (hundreds of quick sh calls) costs a request per interval, not
   * one per sh. An event after a quiet spell still waits only coalesceMs.
   * Default 100 ms.
   */
  minIntervalMs?: number;
  /** First retry delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  warn?: (message: string) => void;
}

const EVENTS_PATH = "/api/run/events";
/** Events queued while the server was slow or away go in one request (the server takes up to 1000). */
const MAX_BATCH = 200;

export class HttpEventSink implements EventSink {
  private queue: RunEvent[] = [];
  private pumping: Promise<void> | undefined;
  private closing = false;
  private deadline = Infinity;
  private wake: (() => void) | undefined;
  private stopped = false;
  /** When the last request left (performance.now()); -Infinity before the first. */
  private lastSentAt = -Infinity;
  delivered = 0;
  dropped = 0;
  /** Requests made (each carries one event or a batch). */
  requests = 0;

  constructor(private readonly client: HttpClient, private readonly options: HttpSinkOptions = {}) {}

  write(event: RunEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    this.pumping ??= this.pumpSoon().finally(() => (this.pumping = undefined));
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

  private async pumpSoon(): Promise<void> {
    await this.pause(this.options.coalesceMs ?? 10);
    await this.pump();
  }

  /** Wait `ms`, and at least until minIntervalMs after the last request; close() cuts it short. */
  private async pause(ms: number): Promise<void> {
    const delay = Math.max(ms, (this.options.minIntervalMs ?? 100) - (performance.now() - this.lastSentAt));
    if (delay <= 0 || this.closing) return;
    await this.sleep(delay);
  }

  /** Wait `ms`; close() (through wake) cuts it short. */
  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async pump(): Promise<void> {
    let backoff = this.options.backoffMs ?? 100;
    const maxBackoff = this.options.maxBackoffMs ?? 2000;
    let batchLimit = MAX_BATCH;
    while (this.queue.length > 0 && !this.stopped) {
      if (this.closing && Date.now() > this.deadline) return;
      await this.pause(0);
      const batch = this.queue.slice(0, batchLimit);
      let retry = false;
      try {
        const body = JSON.stringify(batch.length === 1 ? batch[0] : batch);
        this.lastSentAt = performance.now();
        this.requests++;
        const res = await this.client.request("POST", EVENTS_PATH, body, 5000);
        if (res.status >= 200 && res.status < 300) {
          this.acknowledge(batch.at(-1)!.seq + 1);
          backoff = this.options.backoffMs ?? 100;
          batchLimit = MAX_BATCH;
        } else if (res.status === 409) {
          const error = errorBody(res.body);
          if (error.code === "run_not_active") {
            this.stop(`the server no longer accepts events for this run (${error.message ?? "run not active"})`);
          } else {
            // Already recorded (a replay): the server says which seq it expects next.
            const next = typeof error.expected_seq === "number" ? error.expected_seq : batch[0]!.seq + 1;
            if (next > batch[0]!.seq) this.acknowledge(next);
            // It wants an event no longer queued (one it refused earlier): nothing
            // queued can ever be accepted, and resending would spin.
            else this.stop(`the server expects event seq ${next}, which it refused or this sender no longer has`);
          }
        } else if (res.status >= 500 || res.status === 429) {
          retry = true;
        } else if (res.status === 401 || res.status === 403) {
          this.stop(`the server refused the run token (HTTP ${res.status})`);
        } else if (batch.length > 1) {
          batchLimit = 1; // find the one event the server rejects
        } else {
          this.options.warn?.(`the server rejected event seq ${batch[0]!.seq} (HTTP ${res.status}): ${res.body.slice(0, 300)}`);
          this.dropped++;
          this.queue.shift();
          batchLimit = MAX_BATCH;
        }
      } catch {
        retry = true;
      }
      if (retry) {
        if (this.closing && Date.now() + backoff > this.deadline) return;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  /** Everything before `nextSeq` is recorded by the server. */
  private acknowledge(nextSeq: number): void {
    while (this.queue.length > 0 && this.queue[0]!.seq < nextSeq) {
      this.queue.shift();
      this.delivered++;
    }
  }

  private stop(why: string): void {
    this.options.warn?.(`${why}; no more live events (events.jsonl has them all)`);
    this.stopped = true;
    this.dropped += this.queue.length;
    this.queue = [];
  }
}

function errorBody(text: string): { code?: string; message?: string; expected_seq?: unknown } {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string; expected_seq?: unknown } };
    return parsed.error ?? {};
  } catch {
    return {};
  }
}
