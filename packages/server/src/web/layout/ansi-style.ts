// The colours of ANSI-coloured log lines (render/ansi.ts's classes), a
// stylesheet of its own that only run pages load: the 16 terminal colours
// per theme (light and dark), the fixed 256-colour table, and decorations.

const LIGHT16 = ["#24292f", "#cf222e", "#116329", "#4d2d00", "#0969da", "#8250df", "#1b7c83", "#6e7781",
  "#57606a", "#a40e26", "#1a7f37", "#633c01", "#218bff", "#a475f9", "#3192aa", "#8c959f"];
const DARK16 = ["#484f58", "#ff7b72", "#3fb950", "#d29922", "#58a6ff", "#bc8cff", "#39c5cf", "#b1bac4",
  "#6e7681", "#ffa198", "#56d364", "#e3b341", "#79c0ff", "#d2a8ff", "#56d4dd", "#ffffff"];

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** The fixed part of the xterm table: the 6×6×6 cube (16–231) and the grey ramp (232–255). */
function table256(i: number): string {
  if (i >= 232) {
    const v = 8 + (i - 232) * 10;
    return hex(v, v, v);
  }
  const c = i - 16;
  const step = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return hex(step(Math.floor(c / 36)), step(Math.floor(c / 6) % 6), step(c % 6));
}

function build(): string {
  const out: string[] = [];
  out.push(`:root{${LIGHT16.map((c, i) => `--a${i}:${c}`).join(";")}}`);
  out.push(`@media (prefers-color-scheme: dark){:root{${DARK16.map((c, i) => `--a${i}:${c}`).join(";")}}}`);
  for (let i = 0; i < 256; i++) {
    const color = i < 16 ? `var(--a${i})` : table256(i);
    out.push(`.a-f${i}{color:${color}}.a-b${i}{background:${color}}`);
  }
  out.push(".a-rf{color:var(--bg)}.a-rb{background:var(--fg)}");
  out.push(".a-bold{font-weight:700}.a-dim{opacity:.7}.a-italic{font-style:italic}.a-underline{text-decoration:underline}");
  out.push(".a-strikethrough{text-decoration:line-through}.a-hidden{visibility:hidden}");
  return out.join("\n") + "\n";
}

export const ANSI_CSS = build();
