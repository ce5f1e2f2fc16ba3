// Lua output: a tree of chunks (blocks indent one level) whose lines each
// remember the Fennel line they came from; flattened once into text plus
// the Lua-line → Fennel-line map.

/** One emitted Lua line (may hold embedded newlines from `lua`). */
export interface Line {
  code: string;
  line: number;
}

/** A block of Lua statements. Nested chunks indent one level. */
export class Chunk {
  readonly items: Array<Line | Chunk> = [];

  emit(code: string, line: number): void {
    this.items.push({ code, line });
  }

  /** Append a nested block (the body of `do`, `if`, `function`…). */
  block(): Chunk {
    const c = new Chunk();
    this.items.push(c);
    return c;
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Move every item of `other` (a scratch chunk) into this one. */
  append(other: Chunk): void {
    for (const it of other.items) this.items.push(it);
  }
}

/** Flatten a chunk tree into Lua text and the line map. */
export function flatten(root: Chunk): { lua: string; lines: Array<number | undefined> } {
  const out: string[] = [];
  const lines: Array<number | undefined> = [undefined];
  const INDENT = ["", "  ", "    ", "      ", "        "];
  const walk = (c: Chunk, depth: number): void => {
    const pad = depth < INDENT.length ? INDENT[depth]! : "  ".repeat(depth);
    for (const it of c.items) {
      if (it instanceof Chunk) {
        walk(it, depth + 1);
        continue;
      }
      out.push(pad + it.code);
      lines.push(it.line);
      let k = it.code.indexOf("\n");
      while (k >= 0) {
        lines.push(it.line);
        k = it.code.indexOf("\n", k + 1);
      }
    }
  };
  walk(root, 0);
  return { lua: out.join("\n") + "\n", lines };
}
