// A cursor over git's `-z` output: NUL-terminated fields read one by one,
// for the parsers of diff-tree and log output (diff-parse.ts, log-parse.ts).

export class NulFields {
  pos = 0;
  constructor(readonly data: Buffer) {}

  /** The next NUL-terminated field, or null when the output ends first. */
  next(): Buffer | null {
    const nul = this.data.indexOf(0, this.pos);
    if (nul < 0) return null;
    const value = this.data.subarray(this.pos, nul);
    this.pos = nul + 1;
    return value;
  }

  /** The byte at the cursor (undefined at the end). */
  peek(): number | undefined {
    return this.data[this.pos];
  }

  get done(): boolean {
    return this.pos >= this.data.length;
  }
}
