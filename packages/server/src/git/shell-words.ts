// A strict POSIX shell-words parser for `quire exec` (the SSH ForceCommand
// string). It splits words and honours quotes and backslashes, and refuses
// anything a shell would expand or act on: operators, redirects, substitutions,
// globs, braces, tildes, comments, control characters, unbalanced quotes.

export class ShellWordsError extends Error {
  /** 0-based offset of the offending character in the input. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.name = "ShellWordsError";
    this.index = index;
  }
}

// Characters a shell gives meaning to when they are not quoted.
const UNQUOTED_SPECIAL: Record<string, string> = {
  ";": "a command separator",
  "&": "a control operator",
  "|": "a pipe",
  "<": "a redirect",
  ">": "a redirect",
  "(": "a subshell",
  ")": "a subshell",
  $: "an expansion",
  "`": "a command substitution",
  "*": "a glob",
  "?": "a glob",
  "[": "a glob",
  "]": "a glob",
  "{": "a brace expansion",
  "}": "a brace expansion",
  "~": "a tilde expansion",
  "#": "a comment",
  "!": "a history expansion",
};

function describe(c: string): string {
  return JSON.stringify(c);
}

function checkControl(input: string): void {
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code === 0) throw new ShellWordsError("the command contains a NUL byte", i);
    if (code === 10 || code === 13) throw new ShellWordsError("the command contains a line break: send one command", i);
    if ((code < 32 && code !== 9) || code === 127) {
      throw new ShellWordsError(`the command contains control character U+${code.toString(16).padStart(4, "0")}`, i);
    }
  }
}

/** Split `input` into words the way `sh` would, refusing anything but plain words. */
export function parseShellWords(input: string): string[] {
  checkControl(input);
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new ShellWordsError("unbalanced single quote: close it with '", i);
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= input.length) throw new ShellWordsError('unbalanced double quote: close it with "', i);
        const d = input[j]!;
        if (d === '"') break;
        if (d === "$" || d === "`") {
          throw new ShellWordsError(`${describe(d)} inside double quotes is an expansion: quote it with ' ' instead`, j);
        }
        if (d === "\\") {
          const next = input[j + 1];
          if (next === undefined) throw new ShellWordsError('unbalanced double quote: close it with "', i);
          // In double quotes a backslash escapes only these; elsewhere it is literal.
          if (next === '"' || next === "\\" || next === "$" || next === "`") {
            word += next;
            j += 2;
            continue;
          }
        }
        word += d;
        j++;
      }
      inWord = true;
      i = j + 1;
    } else if (c === "\\") {
      const next = input[i + 1];
      if (next === undefined) throw new ShellWordsError("a trailing backslash escapes nothing", i);
      word += next;
      inWord = true;
      i += 2;
    } else if (c in UNQUOTED_SPECIAL) {
      throw new ShellWordsError(`${describe(c)} is ${UNQUOTED_SPECIAL[c]}: only plain words are allowed`, i);
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Quote words so that parseShellWords gives them back unchanged. */
export function joinShellWords(words: string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}
