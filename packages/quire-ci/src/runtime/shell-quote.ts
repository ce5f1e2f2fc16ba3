// How an argv is shown in events and logs: each word shell-quoted, so the
// recorded command can be pasted into a shell and means the same thing.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
