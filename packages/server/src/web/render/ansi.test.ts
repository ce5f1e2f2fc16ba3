import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AnsiRenderer, nearest256, stripAnsi } from "./ansi.js";

function render(lines: string[]): string[] {
  const r = new AnsiRenderer();
  return lines.map((l) => r.line(l));
}

describe("ANSI to HTML", () => {
  it("passes plain text through, escaped", () => {
    expect(render(["a < b && c > \"d\""])).toEqual(["a &lt; b &amp;&amp; c &gt; &quot;d&quot;"]);
  });

  it("turns colours and decorations into classes, and carries them to the next line as a terminal does", () => {
    expect(render(["\x1b[31mred \x1b[1mbold", "still red\x1b[0m plain", "plain again"])).toEqual([
      '<span class="a-f1">red </span><span class="a-f1 a-bold">bold</span>',
      '<span class="a-f1 a-bold">still red</span> plain',
      "plain again",
    ]);
  });

  it("keeps a colour set at the very end of a line for the next one", () => {
    expect(render(["text \x1b[32m", "green"])).toEqual(["text ", '<span class="a-f2">green</span>']);
  });

  it("maps 256-table colours to their index and 24-bit colours to the nearest of the table", () => {
    expect(render(["\x1b[38;5;208mo\x1b[48;2;255;0;0mx\x1b[0m"])).toEqual(['<span class="a-f208">o</span><span class="a-f208 a-b196">x</span>']);
    expect(nearest256(0, 0, 0)).toBe(16);
    expect(nearest256(128, 128, 128)).toBe(244);
    expect(nearest256(95, 135, 175)).toBe(16 + 36 + 12 + 3);
  });

  it("reverse swaps colours, and marks default ones", () => {
    expect(render(["\x1b[7mrev\x1b[0m", "\x1b[31;7mx"])).toEqual(['<span class="a-rf a-rb">rev</span>', '<span class="a-rf a-b1">x</span>']);
  });

  it("drops cursor moves, erases, OSC titles and links, charset picks and stray controls", () => {
    expect(render(["a\x1b[2Kb\x1b[1A\x1b]0;title\x07c\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\x1b(Bd\x00\x08e\x1b"])).toEqual(["abclinkde"]);
  });

  it("shows what follows the last carriage return, as a progress bar ends", () => {
    expect(render(["10%\r50%\r\x1b[32m100%"])).toEqual(['<span class="a-f2">100%</span>']);
  });

  it("never lets markup through, whatever the bytes (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("<", ">", "&", '"', "\x1b", "[", "3", "1", "m", ";", "\r", "a", "]", "\x07") })), (lines) => {
        for (const html of render(lines)) {
          const text = html.replace(/<span class="[a-z0-9 -]+">|<\/span>/g, "");
          expect(text).not.toMatch(/[<>"\x1b\r]/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("strips everything for plain text", () => {
    expect(stripAnsi("\x1b[31mred\x1b[0m \x1b]0;t\x07x\r\x1b[1mdone")).toBe("done");
  });
});
