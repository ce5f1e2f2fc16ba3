// events.jsonl: one event per line, written synchronously so each event is
// on disk (in the OS) before the run moves on. The file is the run's record.
import fs from "node:fs";
import path from "node:path";
import type { RunEvent } from "@quire/shared";
import { eventLine } from "../wire.js";
import type { EventSink } from "./emitter.js";

export class JsonlSink implements EventSink {
  private fd: number;
  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, "a");
  }
  write(event: RunEvent): void {
    fs.writeSync(this.fd, eventLine(event));
  }
  async close(): Promise<void> {
    fs.closeSync(this.fd);
  }
}
