// V8's code cache for the CommonJS scripts start-up loads (the CLI bundle,
// wasmoon): compiled once, the bytecode is kept on disk in a per-user cache
// directory, keyed by the script's content, Node's version and a tag, and
// checked before V8 sees it. Any failure to read or write only costs speed.
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Script } from "node:vm";

/** First bytes of a cache file; the payload's SHA-1 follows, then V8's data. */
const MAGIC = Buffer.from("fennel-js code cache 1\n");
const DIGEST_BYTES = 20;

/**
 * The directory caches live in: $FENNEL_JS_CACHE_DIR, else $XDG_CACHE_HOME/fennel-js
 * or ~/.cache/fennel-js, else a per-user folder in the temporary directory.
 * FENNEL_JS_CACHE_DIR=off turns caching off.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env.FENNEL_JS_CACHE_DIR;
  if (own === "off") return undefined;
  if (own) return own;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, "fennel-js");
  let home = "";
  try {
    home = os.homedir();
  } catch {
    // No home directory (a system user): fall through to the temporary directory.
  }
  if (home && home !== "/") return path.join(home, ".cache", "fennel-js");
  const uid = typeof process.getuid === "function" ? process.getuid() : "user";
  return path.join(os.tmpdir(), `fennel-js-${uid}`);
}

const sha1 = (data: string | Uint8Array): Buffer => createHash("sha1").update(data).digest();

interface Pending {
  file: string;
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
  return sha1(payload).equals(data.subarray(MAGIC.length, start)) ? payload : undefined;
}

/** Write a cache file whole or not at all: a temporary file renamed over it. */
function writeCache(file: string, family: string, payload: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, MAGIC);
      writeSync(fd, sha1(payload));
      writeSync(fd, payload);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    removeOlder(file, family);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was written.
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
  /** The cache directory; default cacheDir(). */
  dir?: string | undefined;
}

/**
 * Load the CommonJS file `file` as `require` would, compiled with V8's code
 * cache when one is on disk; returns its `module.exports`. If there was no
 * usable cache, one is written by saveCodeCaches().
 */
export function requireCached(file: string, options: LoadOptions): unknown {
  let source = readFileSync(file, "utf8");
  if (options.transform) source = options.transform(source);
  const dir = "dir" in options ? options.dir : cacheDir();
  const key = sha1(`${process.version}\0${process.arch}\0${options.tag}\0${source}`).toString("hex");
  const family = `${path.basename(file)}-${options.tag}-`;
  const cacheFile = dir === undefined ? undefined : path.join(dir, `${family}${key.slice(0, 24)}.v8`);
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source.startsWith("#!") ? `//${source}` : source}\n})`;
  const script = new Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) pending.push({ file: cacheFile, family, script });
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
  for (const { file, family, script } of pending.splice(0)) writeCache(file, family, script.createCachedData());
}
