// The one reader of run log files (jobs/<job>/sh-<n>.log, jobs/<job>/log.log)
// for every part of the server: lines with their stream and time, from a file
// or fed incrementally as a live log grows. The format itself (quire log
// format 1, docs/CI.md) is parsed by @quire/shared's log-format.ts, which
// quire-ci's tests share; quire-ci's runtime/log-file.ts writes it.
import { open } from "node:fs/promises";
import { LogParser, type LogLine } from "@quire/shared";

export { LogParser, parseLog, type LogLine, type LogStream } from "@quire/shared";

/** Every line of the log file at `file`, read in blocks. */
export async function readLogFile(file: string): Promise<LogLine[]> {
  const handle = await open(file, "r");
  try {
    const parser = new LogParser();
    const lines: LogLine[] = [];
    const block = Buffer.alloc(256 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.length, null);
      if (bytesRead === 0) break;
      for (const line of parser.feed(block.subarray(0, bytesRead))) lines.push(line);
    }
    for (const line of parser.end()) lines.push(line);
    return lines;
  } finally {
    await handle.close();
  }
}
