// Which loaded Lua chunk came from which .fnl file, and the rewriting of Lua
// positions (`chunk:LUALINE:`) in error messages and tracebacks to Fennel
// positions (`file.fnl:LINE:`) using each chunk's source map.
import type { SourceMap } from "../types.js";

/** Lua's LUA_IDSIZE: longer chunk names are shown as "..." plus their tail. */
const ID_SIZE = 60;

/** How Lua shows chunk name `@name` in messages. */
export function shownChunkName(name: string): string {
  const bytes = Buffer.byteLength(name, "utf8") + 1;
  if (bytes <= ID_SIZE) return name;
  return `...${name.slice(name.length - (ID_SIZE - 4))}`;
}

interface Chunk {
  file: string;
  lines: Array<number | undefined>;
}

export class ChunkMap {
  private readonly chunks = new Map<string, Chunk>();
  private pattern: RegExp | undefined;

  /** Remember a compiled chunk loaded under chunk name `@file`. */
  register(file: string, sourceMap: SourceMap): void {
    this.chunks.set(shownChunkName(file), { file, lines: sourceMap.lines });
    this.pattern = undefined;
  }

  /** Was the chunk Lua calls `source` (`@file`) compiled from Fennel here? */
  hasSource(source: string): boolean {
    return source.startsWith("@") && this.chunks.has(shownChunkName(source.slice(1)));
  }

  /** The Fennel line of Lua line `luaLine` of chunk `source` (`@file`). */
  lineOfSource(source: string, luaLine: number): number {
    const chunk = source.startsWith("@") ? this.chunks.get(shownChunkName(source.slice(1))) : undefined;
    return chunk === undefined ? luaLine : this.fennelLine(chunk, luaLine);
  }

  /** The Fennel line for a Lua line of chunk `file`. */
  fennelLine(chunk: Chunk, luaLine: number): number {
    const lines = chunk.lines;
    for (let l = Math.min(luaLine, lines.length - 1); l >= 1; l--) {
      const f = lines[l];
      if (f !== undefined) return f;
    }
    for (let l = luaLine + 1; l < lines.length; l++) {
      const f = lines[l];
      if (f !== undefined) return f;
    }
    return luaLine;
  }

  /**
   * Rewrite every `chunk:N:` position of a known chunk (but chunk `except`,
   * whose lines are Fennel lines already); the first is returned too.
   */
  rewrite(text: string, except?: string): { text: string; file?: string; line?: number } {
    if (this.chunks.size === 0) return { text };
    this.pattern ??= new RegExp(
      `(${[...this.chunks.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|")}):(\\d+):(?!\\d)`,
      "g",
    );
    let first: { file: string; line: number } | undefined;
    const out = text.replace(this.pattern, (_all, name: string, num: string) => {
      const chunk = this.chunks.get(name);
      if (!chunk || chunk.file === except) return _all;
      const line = this.fennelLine(chunk, Number(num));
      first ??= { file: chunk.file, line };
      return `${chunk.file}:${line}:`;
    });
    return first ? { text: out, file: first.file, line: first.line } : { text: out };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A Lua error raised while running Fennel code, positions mapped to .fnl lines. */
export class LuaRuntimeError extends Error {
  /** The .fnl file and line of the first mapped position, when there is one. */
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** The message exactly as Lua produced it, before mapping. */
  readonly luaMessage: string;
  /** The error value converted to JavaScript (a string, a table…). */
  readonly value: unknown;
  readonly traceback: string | undefined;
  /** True when the run was stopped by its timeout. */
  readonly timedOut: boolean;
  /** True when the run was stopped by the VM's memory limit. */
  readonly memoryExceeded: boolean;

  constructor(init: {
    message: string;
    luaMessage: string;
    value: unknown;
    file?: string;
    line?: number;
    traceback?: string;
    timedOut?: boolean;
    memoryExceeded?: boolean;
  }) {
    super(init.message);
    this.name = "LuaRuntimeError";
    this.file = init.file;
    this.line = init.line;
    this.luaMessage = init.luaMessage;
    this.value = init.value;
    this.traceback = init.traceback;
    this.timedOut = init.timedOut ?? false;
    this.memoryExceeded = init.memoryExceeded ?? false;
  }
}
