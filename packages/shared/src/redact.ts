// Secret redaction (SPEC §4, §10): every revealed secret value of 8 bytes or more
// is replaced by `{{ name }}` in logs, recorded commands and events (quire-ci),
// and in mirror and notification output (the server).

/** Values shorter than this are not redacted; the server's config loader warns with the same figure. */
export const REDACTION_MIN_BYTES = 8;
const MIN_BYTES = REDACTION_MIN_BYTES;

export class Redactor {
  private entries: Array<{ value: string; replacement: string }> = [];
  private warnedShort = new Set<string>();

  /** True the first time a secret `name` with a value too short to redact is seen. */
  firstShortUse(name: string, value: string): boolean {
    if (Buffer.byteLength(value) >= MIN_BYTES || this.warnedShort.has(name)) return false;
    this.warnedShort.add(name);
    return true;
  }

  /** Remember a revealed secret; short values are not redacted (too likely to collide). */
  add(name: string, value: string): void {
    const candidates = new Set([value]);
    // Logs are written line by line, so a multi-line secret is also redacted per line.
    for (const line of value.split(/\r?\n/)) candidates.add(line);
    for (const v of candidates) {
      if (Buffer.byteLength(v) < MIN_BYTES || this.entries.some((e) => e.value === v)) continue;
      this.entries.push({ value: v, replacement: `{{ ${name} }}` });
    }
    // Longest first, so a secret containing another is replaced whole.
    this.entries.sort((a, b) => b.value.length - a.value.length);
  }

  /** Length (UTF-16 units) of the longest value redacted; 0 with none. */
  get longest(): number {
    return this.entries[0]?.value.length ?? 0;
  }

  get active(): boolean {
    return this.entries.length > 0;
  }

  redact(text: string): string {
    if (this.entries.length === 0) return text;
    let out = text;
    for (const { value, replacement } of this.entries) {
      if (out.includes(value)) out = out.split(value).join(replacement);
    }
    return out;
  }
}
