// Lua output: a tree of chunks (blocks indent one level) whose lines each
// remember the Fennel line they came from; flattened once into text plus
// the Lua-line → Fennel-line map.

/** One emitted Lua line (may hold embedded newlines from `lua`). */
export interface Line {
  code: string;
  line: number;
}

/**
 * A block of Lua statements. Nested chunks indent one level. `items` holds
 * code strings and nested chunks; `lines[i]` is the Fennel line of item i.
 */
export class Chunk {
  readonly items: Array<string | Chunk> = [];
  readonly lines: number[] = [];

  emit(code: string, line: number): void {
    // A statement starting with "(" would continue the previous line's call.
    this.items.push(code.charCodeAt(0) === 40 ? ";" + code : code);
    this.lines.push(line);
  }

  /** Put a line before everything already emitted. */
  prepend(code: string, line: number): void {
    this.items.unshift(code);
    this.lines.unshift(line);
  }

  /** Append a nested block (the body of `do`, `if`, `function`…). */
  block(): Chunk {
    const c = new Chunk();
    this.items.push(c);
    this.lines.push(0);
    return c;
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Move every item of `other` (a scratch chunk) into this one. */
  append(other: Chunk): void {
    for (let i = 0; i < other.items.length; i++) {
      this.items.push(other.items[i]!);
      this.lines.push(other.lines[i]!);
    }
  }
}

export interface FlattenOptions {
  /**
   * Put each line of Lua on the line of the Fennel it came from where it can
   * (blank lines before it, lines from one Fennel line joined), so Lua's own
   * line numbers name Fennel lines.
   */
  correlate?: boolean;
}

/** Flatten a chunk tree into Lua text and the line map (trailing do/end blocks spliced). */
export function flatten(root: Chunk, options: FlattenOptions = {}): { lua: string; lines: Array<number | undefined> } {
  const correlate = options.correlate === true;
  const out: string[] = [];
  const lines: Array<number | undefined> = [undefined];
  const INDENT = ["", "  ", "    ", "      ", "        "];
  const walk = (c: Chunk, depth: number): void => {
    const pad = depth < INDENT.length ? INDENT[depth]! : "  ".repeat(depth);
    const items = c.items;
    let n = items.length;
    // As the reference's peephole pass: a block ending in `do … end` splices
    // that body in place (nothing follows it, so its locals cannot leak).
    let tail: Chunk | undefined;
    if (n >= 3 && items[n - 3] === "do" && typeof items[n - 2] !== "string" && items[n - 1] === "end") {
      tail = items[n - 2] as Chunk;
      n -= 3;
    }
    for (let i = 0; i < n; i++) {
      const it = items[i]!;
      if (typeof it !== "string") {
        walk(it, depth + 1);
        continue;
      }
      const line = c.lines[i]!;
      if (correlate && line > 0) {
        while (out.length + 1 < line) {
          out.push("");
          lines.push(undefined);
        }
        // A line whose Fennel line the output has reached joins the last line.
        const last = out.length - 1;
        if (last >= 0 && out.length >= line && it.indexOf("\n") < 0 && out[last]!.indexOf("--") < 0) {
          if (out[last] === "") {
            out[last] = it;
            lines[last + 1] = line;
          } else out[last] += " " + it;
          continue;
        }
      }
      out.push(correlate ? it : pad + it);
      lines.push(line);
      let k = it.indexOf("\n");
      while (k >= 0) {
        lines.push(line);
        k = it.indexOf("\n", k + 1);
      }
    }
    if (tail !== undefined) walk(tail, depth);
  };
  walk(root, 0);
  return { lua: out.join("\n") + "\n", lines };
}
