// Every Lua chunk the VM loads from Fennel (ci.fnl, .quire/lib modules): its
// Lua→Fennel line map and source text, so runtime errors and registration
// sites are reported as `ci.fnl:LINE` (and a column where one can be found).

/** Lua chunk names carry this suffix so a mapped position is never mapped twice. */
export const LUA_SUFFIX = "~lua";

export interface ChunkInfo {
  /** The Fennel file as the user knows it, e.g. `ci.fnl` or `.quire/lib/npm.fnl`. */
  file: string;
  /** `lines[luaLine] = fennelLine`. */
  lines: ReadonlyArray<number | undefined>;
  source: string;
}

export class ChunkRegistry {
  private chunks = new Map<string, ChunkInfo>();

  /** Register a compiled file; returns the Lua chunk name to load it under. */
  add(info: ChunkInfo): string {
    const name = info.file + LUA_SUFFIX;
    this.chunks.set(name, info);
    return name;
  }

  /** The Fennel file and line behind a Lua chunk name and line. */
  position(chunkname: string, luaLine: number): { file: string; line?: number } {
    const info = this.chunks.get(chunkname);
    if (!info) return { file: chunkname.endsWith(LUA_SUFFIX) ? chunkname.slice(0, -LUA_SUFFIX.length) : chunkname };
    if (luaLine < 1) return { file: info.file };
    for (let l = luaLine; l >= 1; l--) {
      const mapped = info.lines[l];
      if (mapped !== undefined) return { file: info.file, line: mapped };
    }
    return { file: info.file };
  }

  /** The text of a Fennel source line (1-based), when known. */
  sourceLine(file: string, line: number): string | undefined {
    for (const info of this.chunks.values()) {
      if (info.file === file) return info.source.split("\n")[line - 1];
    }
    return undefined;
  }

  /** Rewrite every `chunk~lua:N:` in a message to `file:M:`. */
  rewrite(message: string): string {
    return message.replace(/([^\s:"'()]+)~lua:(\d+):/g, (_all, file: string, line: string) => {
      const pos = this.position(file + LUA_SUFFIX, Number(line));
      return pos.line === undefined ? `${pos.file}:` : `${pos.file}:${pos.line}:`;
    });
  }
}

/**
 * Column (0-based, as fennel-js reports columns) of the call `(NAME …` or
 * `(x.NAME …` on a source line, or of its first non-blank character.
 */
export function callColumn(sourceLine: string | undefined, name: string): number | undefined {
  if (sourceLine === undefined) return undefined;
  const re = new RegExp(`\\((?:[^\\s()\\[\\]{}"]*[.:])?${name}(?=[\\s)])`);
  const m = re.exec(sourceLine);
  if (m) return m.index;
  const first = sourceLine.search(/\S/);
  return first < 0 ? undefined : first;
}
