// Numbers every event (seq 1, 2, 3… and at_ms), redacts secrets from its
// text fields, and hands it to each sink: the JSONL file, the server, the terminal.
import type { RunEvent, UnsequencedEvent } from "@quire/shared";
import type { Redactor } from "../runtime/redact.js";

export interface EventSink {
  write(event: RunEvent): void;
  /** Finish delivery; resolves when done or given up. */
  close?(): Promise<void>;
}

export class EventEmitter {
  private seq = 0;
  private finished = false;
  private readonly sinks: EventSink[] = [];

  constructor(private readonly redactor: Redactor) {}

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  emit(event: UnsequencedEvent): RunEvent | undefined {
    // run_finished is the last word; nothing a straggling job does after it is recorded.
    if (this.finished) return undefined;
    if (event.type === "run_finished") this.finished = true;
    const full = { ...event, seq: ++this.seq, at_ms: Date.now() } as RunEvent;
    if ("cmd" in full) full.cmd = this.redactor.redact(full.cmd);
    if ("error" in full && full.error !== undefined) full.error = this.redactor.redact(full.error);
    if ("reason" in full) full.reason = this.redactor.redact(full.reason);
    for (const sink of this.sinks) sink.write(full);
    return full;
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close?.()));
  }
}
