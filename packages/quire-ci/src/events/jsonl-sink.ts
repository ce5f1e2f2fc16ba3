// events.jsonl: one event per line, written synchronously so each event is
// on disk (in the OS) before the run moves on. The file is the run's record;
// when it cannot be written the sink stops and reports it (the run stops).
import fs from "node:fs";
import path from "node:path";
import type { RunEvent } from "@quire/shared";
import { eventLine } from "../wire.js";
import { writeAllSync } from "../write-all.js";
import type { EventSink } from "./emitter.js";

export class JsonlSink implements EventSink {
  private fd: number | undefined;
  private failed = false;

  constructor(
    private readonly file: string,
    private readonly onWriteError?: (error: NodeJS.ErrnoException, file: string) => void,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, "a");
  }

  write(event: RunEvent): void {
    if (this.failed || this.fd === undefined) return;
    try {
      writeAllSync(this.fd, eventLine(event));
    } catch (e) {
      this.failed = true;
      this.onWriteError?.(e as NodeJS.ErrnoException, this.file);
    }
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
