// V8's code cache for the CommonJS scripts start-up loads (the CLI bundle,
// wasmoon): compiled once, the bytecode is kept on disk in a per-user cache
// directory (only one this user owns alone), keyed by the script's content,
// Node's version and a tag, and checked before V8 sees it. Any failure to read
// or write only costs speed. Keys and checksums are CRC-32s (zlib's, native):
// node:crypto alone takes longer to load than the whole check (issue 14, item 4).
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";

/** First bytes of a cache file; the payload's CRC-32 and length follow, then V8's data. */
const MAGIC = Buffer.from("fennel-js code cache 2\n");
const DIGEST_BYTES = 8;

/**
 * The directories caches may live in, first choice first: $FENNEL_JS_CACHE_DIR
 * alone if set ("off": none), else $XDG_CACHE_HOME/fennel-js or
 * ~/.cache/fennel-js, then a per-user folder in the temporary directory for
 * when that one cannot be written.
 */
export function cacheDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const own = env.FENNEL_JS_CACHE_DIR;
  if (own === "off") return [];
  if (own) return [own];
  const dirs: string[] = [];
  let home = "";
  try {
    home = os.homedir();
  } catch {
    // No home directory (a system user): only the temporary directory.
  }
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) dirs.push(path.join(env.XDG_CACHE_HOME, "fennel-js"));
  else if (home && home !== "/") dirs.push(path.join(home, ".cache", "fennel-js"));
  const uid = typeof process.getuid === "function" ? process.getuid() : "user";
  dirs.push(path.join(os.tmpdir(), `fennel-js-${uid}`));
  return dirs;
}

/**
 * Whether `dir` may hold caches: a real directory of this user that no one
 * else can write. A cache is code this process runs, so a folder someone else
 * made (say in the shared temporary directory) is never used.
 */
function ownDir(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    const uid = typeof process.getuid === "function" ? process.getuid() : st.uid;
    return st.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** The payload's checksum as stored: its CRC-32 and its length, 32 bits each. */
function digest(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(DIGEST_BYTES);
  out.writeUInt32BE(crc32(payload), 0);
  out.writeUInt32BE(payload.length >>> 0, 4);
  return out;
}

interface Pending {
  /** The cache file's name, written into the first of `dirs` that can take it. */
  name: string;
  dirs: string[];
  /** The start of the names of the same script's caches with the same tag (older builds'). */
  family: string;
  script: Script;
}
const pending: Pending[] = [];

/** Read a cache file and return V8's data if it is whole, else undefined. */
function readCache(file: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  const start = MAGIC.length + DIGEST_BYTES;
  if (data.length <= start || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const payload = data.subarray(start);
  return digest(payload).equals(data.subarray(MAGIC.length, start)) ? payload : undefined;
}

/** Write a cache file whole or not at all (a temporary file renamed over it), in the first of `dirs` that takes it. */
function writeCache(dirs: string[], name: string, family: string, payload: Buffer): void {
  for (const dir of dirs) {
    const file = path.join(dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!ownDir(dir)) continue;
      const fd = openSync(tmp, "wx", 0o600);
      try {
        writeSync(fd, MAGIC);
        writeSync(fd, digest(payload));
        writeSync(fd, payload);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
      removeOlder(file, family);
      return;
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // Nothing was written.
      }
    }
  }
}

/** Remove the caches of the family other than `file`: each build of a script leaves one behind. */
function removeOlder(file: string, family: string): void {
  const dir = path.dirname(file);
  for (const name of readdirSync(dir)) {
    if (name.startsWith(family) && name.endsWith(".v8") && name !== path.basename(file)) {
      try {
        unlinkSync(path.join(dir, name));
      } catch {
        // Another process removed it first.
      }
    }
  }
}

export interface LoadOptions {
  /** Names the cache apart from others of the same script (e.g. what the process does with it). */
  tag: string;
  /** Rewrites the source before it is compiled (part of the cache key). */
  transform?: (source: string) => string;
  /** The directories to read and write caches in, first choice first; default cacheDirs(). [] turns caching off. */
  dirs?: string[];
}

/**
 * Load the CommonJS file `file` as `require` would, compiled with V8's code
 * cache when one is on disk; returns its `module.exports`. If there was no
 * usable cache, one is written by saveCodeCaches().
 */
export function requireCached(file: string, options: LoadOptions): unknown {
  let source = readFileSync(file, "utf8");
  if (options.transform) source = options.transform(source);
  const dirs = options.dirs ?? cacheDirs();
  // The script's CRC-32 and length (V8 checks only the length), and what V8's data depends on.
  const key = [crc32(source), source.length, crc32(`${process.version}\0${process.arch}\0${options.tag}`)].map((n) => n.toString(16)).join("-");
  const family = `${path.basename(file)}-${options.tag}-`;
  const name = `${family}${key}.v8`;
  let cachedData: Buffer | undefined;
  for (const dir of dirs) {
    if (ownDir(dir)) cachedData = readCache(path.join(dir, name));
    if (cachedData !== undefined) break;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source.startsWith("#!") ? `//${source}` : source}\n})`;
  const script = new Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (dirs.length > 0 && (cachedData === undefined || script.cachedDataRejected)) pending.push({ name, dirs, family, script });
  const module = { exports: {} as unknown };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/**
 * Write the caches that were missing or stale, now that the process has run
 * the code it needs (V8 includes the functions compiled so far).
 */
export function saveCodeCaches(): void {
  for (const { name, dirs, family, script } of pending.splice(0)) writeCache(dirs, name, family, script.createCachedData());
}
