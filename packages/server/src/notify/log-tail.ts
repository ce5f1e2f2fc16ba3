// The last lines of a run's logs for a notification: the failing job's last
// sh log or its own log (quire log format, read by runs/log-reader.ts), else
// quire-ci's own plain log, of which only the end is read.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import path from "node:path";
import { readLogFile } from "../runs/log-reader.js";

const TAIL_BYTES = 64 * 1024;

/** The last `n` lines of the plain text file `file` ('' lines at the end dropped); [] when it is missing. */
export function lastLines(file: string, n: number): string[] {
  if (!existsSync(file)) return [];
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString("utf8").split("\n");
    if (start > 0) lines.shift(); // a cut first line
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    return lines.slice(-n);
  } finally {
    closeSync(fd);
  }
}

/** The text of the last `n` lines of a run log file (sh or job log); [] when it is missing. */
export async function lastLogLines(file: string, n: number): Promise<string[]> {
  if (!existsSync(file)) return [];
  return (await readLogFile(file)).slice(-n).map((l) => l.text);
}

/**
 * The log to show for job `jobId` in `runDir`: the log of its last sh
 * (`lastSh`, from the sh rows; a quiet sh that succeeded leaves no file), else
 * its `log.log` of `(log …)` messages, else undefined. Without `lastSh` (no sh
 * rows), the highest-numbered `sh-<n>.log` there is.
 */
export function jobLogFile(runDir: string, jobId: string, lastSh?: number): string | undefined {
  const dir = path.join(runDir, "jobs", jobId);
  if (!existsSync(dir)) return undefined;
  const own = path.join(dir, "log.log");
  const ownOrNone = existsSync(own) ? own : undefined;
  if (lastSh !== undefined) {
    const last = path.join(dir, `sh-${lastSh}.log`);
    return existsSync(last) ? last : ownOrNone;
  }
  const ns = readdirSync(dir)
    .map((f) => /^sh-(\d+)\.log$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  if (ns.length === 0) return ownOrNone;
  return path.join(dir, `sh-${Math.max(...ns)}.log`);
}
