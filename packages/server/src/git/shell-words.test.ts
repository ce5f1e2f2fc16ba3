import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { joinShellWords, parseShellWords, ShellWordsError } from "./shell-words.js";

describe("parseShellWords", () => {
  it.each([
    ["git-upload-pack 'foo.git'", ["git-upload-pack", "foo.git"]],
    ["git-upload-pack foo.git", ["git-upload-pack", "foo.git"]],
    ['git-receive-pack "work/foo.git"', ["git-receive-pack", "work/foo.git"]],
    ["  quire\tci   runs  ", ["quire", "ci", "runs"]],
    ["a'b'\"c\"d", ["abcd"]],
    ["'it'\\''s'", ["it's"]],
    ["'a b' c", ["a b", "c"]],
    ["''", [""]],
    ['"a\\"b"', ['a"b']],
    ['"a\\nb"', ["a\\nb"]],
    ["a\\ b", ["a b"]],
    ["'a;b|c&d$(e)`f`*?'", ["a;b|c&d$(e)`f`*?"]],
    ["", []],
  ])("splits %j", (input, words) => {
    expect(parseShellWords(input)).toEqual(words);
  });

  it.each([
    ["a; b", /command separator/],
    ["a && b", /control operator/],
    ["a | b", /pipe/],
    ["a > f", /redirect/],
    ["a < f", /redirect/],
    ["a $(id)", /expansion/],
    ["a `id`", /command substitution/],
    ['a "$(id)"', /inside double quotes is an expansion/],
    ['a "`id`"', /inside double quotes is an expansion/],
    ["a $HOME", /expansion/],
    ["a *", /glob/],
    ["a f?o", /glob/],
    ["a [ab]", /glob/],
    ["a {x,y}", /brace expansion/],
    ["a ~root", /tilde/],
    ["a #c", /comment/],
    ["a (b)", /subshell/],
    ["a !x", /history/],
    ["a\nb", /line break/],
    ["a\rb", /line break/],
    ["a 'b\nc'", /line break/],
    ["a\0b", /NUL/],
    ["a\u001bb", /control character/],
    ["a 'b", /unbalanced single quote/],
    ['a "b', /unbalanced double quote/],
    ['a "b\\', /unbalanced double quote/],
    ["a b\\", /trailing backslash/],
  ])("refuses %j", (input, message) => {
    expect(() => parseShellWords(input)).toThrow(ShellWordsError);
    expect(() => parseShellWords(input)).toThrow(message);
  });

  it("gives back any printable words quoted by joinShellWords (property)", () => {
    const printable = fc.string({ unit: fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(printable, { minLength: 1, maxLength: 5 }), (words) => {
        expect(parseShellWords(joinShellWords(words))).toEqual(words);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses every string with an unquoted shell operator in it (property)", () => {
    const plain = fc.string({ unit: fc.constantFrom(..."abc -_./".split("")), maxLength: 10 });
    const op = fc.constantFrom(";", "&&", "||", "|", "&", ">", ">>", "<", "$(", "`", "$", "*", "\n", "\0");
    fc.assert(
      fc.property(plain, op, plain, (a, o, b) => {
        expect(() => parseShellWords(`${a}${o}${b}`)).toThrow(ShellWordsError);
      }),
      { numRuns: 2000 },
    );
  });

  it("splits every string it accepts exactly as /bin/sh does (property)", () => {
    // Mostly plain characters and quoting, now and then something sh would expand.
    const unit = fc.oneof(
      { arbitrary: fc.constantFrom(..."ab -./=:@%+,\t".split("")), weight: 12 },
      { arbitrary: fc.constantFrom("'", '"', "\\"), weight: 4 },
      { arbitrary: fc.constantFrom(";", "$", "*", "~", "#"), weight: 1 },
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 14 }), (input) => {
        let words: string[];
        try {
          words = parseShellWords(input);
        } catch {
          return;
        }
        fc.pre(words.length > 0);
        accepted++;
        const sh = spawnSync("/bin/sh", ["-c", `printf '%s\\0' ${input}`], { encoding: "utf8" });
        expect(sh.status).toBe(0);
        expect(sh.stdout.split("\0").slice(0, -1)).toEqual(words);
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
