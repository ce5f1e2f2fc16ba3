// fennel-js's own Lua (the prelude, the fennel module, the io layer...) as
// precompiled Lua bytecode. The build runs a few VMs, records each chunk they
// load through loadTrusted, and writes string.dump's output for it (debug
// information kept: names and lines stay the same) to dist/lua-bytecode.bin.
// A VM then loads a chunk from there instead of parsing its text. A chunk is
// used only when its source's length and CRC-32 match the text the running
// code asks for and its own CRC-32 matches; anything else (no file, another
// build's, a Lua that rejects it) loads the text. The file is build output
// beside the bundle, like the JavaScript; user code is never loaded this way.
import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import type { LuaThread } from "wasmoon";
import { loadBytes, rawLua, readBytes, readString, type RawLua } from "./lua-stack.js";

/** The file's name; it sits in dist/, beside the CLI bundle (this module's folder when bundled, its parent when not). */
export const BYTECODE_FILE = "lua-bytecode.bin";
/** First bytes of the file; a 32-bit length and a JSON index follow, then the chunks' bytecode in order. */
const MAGIC = Buffer.from("fennel-js lua bytecode 1\n");

interface IndexEntry {
  name: string;
  /** The source text's length (UTF-16 units) and CRC-32 (of its UTF-8). */
  sourceLength: number;
  sourceCrc: number;
  /** The bytecode's size and CRC-32. */
  size: number;
  crc: number;
}

const keyOf = (name: string, sourceLength: number, sourceCrc: number): string => `${name}\0${sourceLength}\0${sourceCrc}`;

type Chunks = Map<string, { code: Uint8Array; crc: number }>;
let chunks: Chunks | undefined;
/** Where the file is looked for, first choice first. */
let files: (string | URL)[] = [new URL(`./${BYTECODE_FILE}`, import.meta.url), new URL(`../${BYTECODE_FILE}`, import.meta.url)];
/** While recording (the build), the chunks loaded so far by key. */
let recording: Map<string, [name: string, source: string]> | undefined;
/** How many chunks this process loaded from bytecode and from text. */
export const loadCounts = { bytecode: 0, text: 0 };

/** Read the file once per process; a missing or malformed one is an empty table. */
function readChunks(): Chunks {
  const table: Chunks = new Map();
  for (const file of files) {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      continue;
    }
    try {
      if (!data.subarray(0, MAGIC.length).equals(MAGIC)) return table;
      const indexEnd = MAGIC.length + 4 + data.readUInt32BE(MAGIC.length);
      const index = JSON.parse(data.subarray(MAGIC.length + 4, indexEnd).toString("utf8")) as IndexEntry[];
      let at = indexEnd;
      for (const e of index) {
        table.set(keyOf(e.name, e.sourceLength, e.sourceCrc), { code: data.subarray(at, at + e.size), crc: e.crc });
        at += e.size;
      }
    } catch {
      table.clear();
    }
    return table;
  }
  return table;
}

/** Read bytecode from `file` from now on (tests). */
export function useBytecodeFile(file: string): void {
  files = [file];
  chunks = undefined;
}

/**
 * Load fennel-js's own chunk `source` as `name`, from its bytecode when the
 * build made it, else from the text; leaves the function (or the error
 * message) on the stack and returns the Lua status.
 */
export function loadTrusted(m: RawLua, L: number, source: string, name: string): number {
  const sourceCrc = crc32(source);
  const key = keyOf(name, source.length, sourceCrc);
  recording?.set(key, [name, source]);
  const chunk = (chunks ??= readChunks()).get(key);
  if (chunk !== undefined && crc32(chunk.code) === chunk.crc) {
    if (loadBytes(m, L, chunk.code, name, "b") === 0) {
      loadCounts.bytecode++;
      return 0;
    }
    m._lua_settop(L, -2);
  }
  loadCounts.text++;
  return loadBytes(m, L, Buffer.from(source, "utf8"), name);
}

/** Build: remember every chunk loadTrusted loads from now on. */
export function recordChunks(): void {
  recording ??= new Map();
}

/** Build: the file's content for the chunks recorded so far, dumped on `thread` (a fresh engine's). */
export function dumpRecorded(thread: LuaThread): Buffer {
  const m = rawLua(thread);
  const L = thread.address;
  const index: IndexEntry[] = [];
  const codes: Buffer[] = [];
  for (const [name, source] of recording?.values() ?? []) {
    thread.lua.lua_getglobal(L, "string");
    thread.lua.lua_getfield(L, -1, "dump");
    if (loadBytes(m, L, Buffer.from(source, "utf8"), name) !== 0 || thread.lua.lua_pcallk(L, 1, 1, 0, 0, null) !== 0) {
      throw new Error(`fennel-js internal Lua ${name} did not dump: ${readString(m, L, -1)}`);
    }
    const code = Buffer.from(readBytes(m, L, -1));
    m._lua_settop(L, -3);
    index.push({ name, sourceLength: source.length, sourceCrc: crc32(source), size: code.length, crc: crc32(code) });
    codes.push(code);
  }
  const json = Buffer.from(JSON.stringify(index), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, length, json, ...codes]);
}
