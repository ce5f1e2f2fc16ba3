// The last lines of a run's logs for a notification: the failing job's last
// sh log (CRI format, prefixes dropped), else quire-ci's own log. Reads only
// the end of big files.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import path from "node:path";

const TAIL_BYTES = 64 * 1024;

/** The last `n` lines of `file` ('' lines at the end dropped); [] when it is missing. */
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

/** A CRI log line `<ts> stdout|stderr F|P <text>` as its text (other lines as they are). */
export function criText(line: string): string {
  const m = /^\S+ (?:stdout|stderr) [FP] (.*)$/.exec(line);
  return m === null ? line : m[1]!;
}

/** The path of the last `sh-<n>.log` of job `jobId` in `runDir`, or undefined. */
export function lastShLog(runDir: string, jobId: string): string | undefined {
  const dir = path.join(runDir, "jobs", jobId);
  if (!existsSync(dir)) return undefined;
  const ns = readdirSync(dir)
    .map((f) => /^sh-(\d+)\.log$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  if (ns.length === 0) return undefined;
  return path.join(dir, `sh-${Math.max(...ns)}.log`);
}
