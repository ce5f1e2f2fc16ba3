// The free-space reserve for a run's logs (:log-free-space): logs stop, cut
// with a note, while the filesystem holding the run directory has less free
// than the reserve, so a loud run leaves room for the server's database
// (pushes, outcomes) and the push spool. statfs is asked at most every
// CHECK_EVERY_BYTES written or CHECK_EVERY_MS, and when the bytes written
// since the last answer may have reached the reserve; never per write.
import fs from "node:fs";

/** The reserve when none is configured: 256 MiB, or 5% of the filesystem when that is less. */
export const DEFAULT_LOG_FREE_SPACE = 256 * 1024 * 1024;
export const DEFAULT_LOG_FREE_SPACE_SHARE = 0.05;
export const CHECK_EVERY_BYTES = 1024 * 1024;
export const CHECK_EVERY_MS = 1000;

export class FreeSpace {
  /** Bytes that must stay free; 0 turns the reserve off. */
  readonly reserveBytes: number;
  /** Free bytes at the last statfs (Infinity before one, or when statfs cannot answer). */
  private free = Infinity;
  /** Bytes written since the last statfs. */
  private since = 0;
  private checkedAtMs = -Infinity;

  constructor(
    readonly dir: string,
    reserveBytes?: number,
  ) {
    if (reserveBytes !== undefined) this.reserveBytes = reserveBytes;
    else {
      const size = this.statfs()?.size;
      this.reserveBytes = size === undefined ? DEFAULT_LOG_FREE_SPACE : Math.min(DEFAULT_LOG_FREE_SPACE, Math.floor(size * DEFAULT_LOG_FREE_SPACE_SHARE));
    }
  }

  /** Count bytes just written to the filesystem. */
  wrote(bytes: number): void {
    this.since += bytes;
  }

  /** True while the filesystem has less than the reserve free. */
  low(): boolean {
    if (this.reserveBytes === 0) return false;
    const now = Date.now();
    if (this.since >= CHECK_EVERY_BYTES || now - this.checkedAtMs >= CHECK_EVERY_MS || this.free - this.since < this.reserveBytes) {
      this.checkedAtMs = now;
      this.since = 0;
      this.free = this.statfs()?.free ?? Infinity;
    }
    return this.free - this.since < this.reserveBytes;
  }

  /** Free bytes at the last look (for messages). */
  lastFree(): number {
    return Math.max(0, this.free - this.since);
  }

  private statfs(): { free: number; size: number } | undefined {
    try {
      const s = fs.statfsSync(this.dir);
      return { free: s.bavail * s.bsize, size: s.blocks * s.bsize };
    } catch {
      // A filesystem that cannot say how full it is: logs are not held back by a guess.
      return undefined;
    }
  }
}
