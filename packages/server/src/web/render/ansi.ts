// ANSI colours in CI logs as HTML: SGR sequences (16 colours, the 256-colour
// table, 24-bit colours, bold, dim, italic, underline, strike, reverse) become
// spans with classes (the CSP forbids style attributes, so 24-bit colours
// take the nearest colour of the 256 table); every other escape or control
// character is dropped, and a carriage return keeps what the terminal would
// show last. Parsing is ansi-sequence-parser's (chosen over anser, whose
// colour state does not carry from one line to the next); its state does carry.
import { createAnsiSequenceParser, type Color, type ParseToken } from "ansi-sequence-parser";
import { escapeHtml } from "./escape.js";

const NAMED: Record<string, number> = {
  black: 0, red: 1, green: 2, yellow: 3, blue: 4, magenta: 5, cyan: 6, white: 7,
  brightBlack: 8, brightRed: 9, brightGreen: 10, brightYellow: 11, brightBlue: 12, brightMagenta: 13, brightCyan: 14, brightWhite: 15,
};

/** Escapes that are not SGR (cursor moves, erase, OSC titles and links, charset picks) and other C0 controls but tab. */
const NOT_SGR = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-?]*[ -/]*[@-ln-~]|\x1b[()*+][0-9A-Za-z]|\x1b[@-Z\\^_]|\x1b(?!\[[0-9;:]*m)|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g;
const PLAIN = /^[^\x00-\x08\x0b-\x1f\x7f]*$/;
const TRAILING_SGR = /\x1b\[[0-9;:]*m$/;

/** The 256-table index of a colour (named and table colours are theirs; 24-bit colours the nearest). */
export function paletteIndex(color: Color): number {
  if (color.type === "named") return NAMED[color.name] ?? 7;
  if (color.type === "table") return Math.max(0, Math.min(255, color.index));
  return nearest256(color.rgb[0], color.rgb[1], color.rgb[2]);
}

const CUBE = [0, 95, 135, 175, 215, 255];

function cubeStep(v: number): number {
  let best = 0;
  for (let i = 1; i < CUBE.length; i++) if (Math.abs(CUBE[i]! - v) < Math.abs(CUBE[best]! - v)) best = i;
  return best;
}

/** The xterm 256-colour index closest to an RGB colour: the 6×6×6 cube or the grey ramp, whichever is nearer. */
export function nearest256(r: number, g: number, b: number): number {
  const [ri, gi, bi] = [cubeStep(r), cubeStep(g), cubeStep(b)];
  const cube = [CUBE[ri]!, CUBE[gi]!, CUBE[bi]!];
  const grey = Math.max(0, Math.min(23, Math.round(((r + g + b) / 3 - 8) / 10)));
  const greyV = 8 + grey * 10;
  const dist = (x: number[]) => (x[0]! - r) ** 2 + (x[1]! - g) ** 2 + (x[2]! - b) ** 2;
  return dist([greyV, greyV, greyV]) < dist(cube) ? 232 + grey : 16 + 36 * ri + 6 * gi + bi;
}

function classesOf(token: ParseToken): string {
  const d = token.decorations;
  let fg = token.foreground === null ? -1 : paletteIndex(token.foreground);
  let bg = token.background === null ? -1 : paletteIndex(token.background);
  const out: string[] = [];
  if (d.has("reverse")) {
    [fg, bg] = [bg, fg];
    if (fg === -1) out.push("a-rf");
    if (bg === -1) out.push("a-rb");
  }
  if (fg >= 0) out.push(`a-f${fg}`);
  if (bg >= 0) out.push(`a-b${bg}`);
  for (const name of ["bold", "dim", "italic", "underline", "strikethrough", "hidden"] as const) if (d.has(name)) out.push(`a-${name}`);
  return out.join(" ");
}

/** Renders one log's lines in order; colours set on one line carry to the next, as in a terminal. */
export class AnsiRenderer {
  private readonly parser = createAnsiSequenceParser();
  /** The last line left a colour or decoration on. */
  private styled = false;

  /** One line (without its newline) as escaped HTML. */
  line(text: string): string {
    if (!this.styled && PLAIN.test(text)) return escapeHtml(text);
    let html = "";
    for (const part of text.split("\r")) {
      // Every part goes through the parser so its colours count; only the last is shown.
      const clean = part.replace(NOT_SGR, "");
      const tokens = this.parser.parse(clean);
      html = "";
      for (const token of tokens) {
        if (token.value === "") continue;
        const cls = classesOf(token);
        html += cls === "" ? escapeHtml(token.value) : `<span class="${cls}">${escapeHtml(token.value)}</span>`;
      }
      const last = tokens[tokens.length - 1];
      const lastStyled = last !== undefined && (last.foreground !== null || last.background !== null || last.decorations.size > 0);
      // A sequence after the last text may have set a colour no token shows yet: stay on the parser's path.
      this.styled = lastStyled || TRAILING_SGR.test(clean) || (tokens.length === 0 && this.styled);
    }
    return html;
  }
}

/** Text without any escape sequence or control character (for plain-text views of a log line). */
export function stripAnsi(text: string): string {
  const cr = text.lastIndexOf("\r");
  const shown = cr >= 0 ? text.slice(cr + 1) : text;
  return shown.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, "").replace(NOT_SGR, "");
}
