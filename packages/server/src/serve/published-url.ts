// The running server's address, published in <data>/serve.json at start and
// removed at stop, so commands on the same data directory (`quire ci show`,
// `quire ci logs`) print the URL of the server actually serving rather than
// what config.fnl would give (`serve --port` may have chosen another).
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

export interface PublishedServer {
  /** Where this server listens, e.g. http://127.0.0.1:43117. */
  url: string;
  /** The base for links (`:host` when set, else `url`), without a trailing slash. */
  base_url: string;
  pid: number;
  started_at_ms: number;
}

/** Write `info` to `file` atomically (a reader never sees half of it). */
export function publishServer(file: string, info: PublishedServer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info) + "\n", { mode: 0o644 });
  renameSync(tmp, file);
}

/** Remove `file` if it still names this process (a newer server may have replaced it). */
export function unpublishServer(file: string): void {
  if (readPublished(file)?.pid === process.pid) rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readPublished(file: string): PublishedServer | undefined {
  try {
    const value = JSON.parse(readFileSync(file, "utf8")) as Partial<PublishedServer>;
    if (typeof value.base_url !== "string" || typeof value.url !== "string" || typeof value.pid !== "number") return undefined;
    return value as PublishedServer;
  } catch {
    return undefined;
  }
}

/** The published server of a data directory, when one is running (a file left by a crashed server is ignored). */
export function runningServer(file: string): PublishedServer | undefined {
  const info = readPublished(file);
  return info !== undefined && alive(info.pid) ? info : undefined;
}
