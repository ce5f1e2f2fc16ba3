// Stopping a run from inside quire-ci when it cannot go on: a run file (a log,
// events.jsonl) could not be written. Commands are killed, running jobs fail
// with the reason, jobs not started are skipped, and quire-ci exits with
// EXIT_STORAGE_ERROR so the server resolves the run at once.

export class RunStop {
  /** Why the run stopped, once it has. */
  reason: string | undefined;
  /** True when it stopped because a file could not be written. */
  storage = false;
  private readonly listeners = new Set<(reason: string) => void>();

  /** Stop the run (the first reason wins). */
  stop(reason: string, options: { storage?: boolean } = {}): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.storage = options.storage === true;
    for (const listener of this.listeners) listener(reason);
  }

  /** A file of the run could not be written: stop, naming the file and the error. */
  writeFailed(error: NodeJS.ErrnoException, file: string): void {
    const what = error.code ? `${error.code}: ${describeCode(error.code)}` : error.message;
    this.stop(`quire-ci could not write ${file} (${what}); the run stopped`, { storage: true });
  }

  onStop(listener: (reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function describeCode(code: string): string {
  switch (code) {
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "disk quota exceeded";
    case "EROFS":
      return "the file system is read-only";
    case "EIO":
      return "input/output error";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return "write failed";
  }
}
