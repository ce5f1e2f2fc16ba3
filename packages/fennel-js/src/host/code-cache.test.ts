// The code cache on disk: written once, read back, keyed by content, and never
// in the way when the directory cannot be written or a file is damaged.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { cacheDirs, requireCached, saveCodeCaches } from "./code-cache.js";

let work: string;
let cache: string;
let script: string;

beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "fennel-js-code-cache-"));
  cache = path.join(work, "cache");
  script = path.join(work, "answer.cjs");
  writeFileSync(script, "#!/usr/bin/env node\nconst base = require('node:path').basename(__filename);\nexports.answer = () => base + ' says ' + 42;\n");
});

/** Load the script with `dirs` as the cache directories ([]: no cache). */
const load = (dirs: string[] = [cache]): { answer(): string } => requireCached(script, { tag: "test", dirs }) as { answer(): string };
const MAGIC = "fennel-js code cache 2\n";
/** The file is as the module writes it: magic, the payload's CRC-32 and length (32 bits each, big-endian), the payload. */
function isWhole(file: string): boolean {
  const data = readFileSync(file);
  const start = MAGIC.length + 8;
  if (data.subarray(0, MAGIC.length).toString() !== MAGIC || data.length <= start) return false;
  const payload = data.subarray(start);
  return data.readUInt32BE(MAGIC.length) === crc32(payload) && data.readUInt32BE(MAGIC.length + 4) === payload.length;
}
const cacheFiles = (): string[] => readdirSync(cache).filter((f) => f.endsWith(".v8"));

describe("requireCached", () => {
  it("runs the file as CommonJS and writes its cache once", () => {
    expect(load().answer()).toBe("answer.cjs says 42");
    saveCodeCaches();
    const [only] = cacheFiles();
    expect(cacheFiles()).toHaveLength(1);
    const file = path.join(cache, only!);
    expect(isWhole(file)).toBe(true);
    const written = statSync(file).mtimeMs;

    expect(load().answer()).toBe("answer.cjs says 42");
    saveCodeCaches();
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("keys the cache by content: an edited file gets its own, which replaces the old", () => {
    load();
    saveCodeCaches();
    const [old] = cacheFiles();
    // Another tag's cache of the script stays.
    requireCached(script, { tag: "other", dirs: [cache] });
    writeFileSync(script, "exports.answer = () => 'changed';\n");
    expect(load().answer()).toBe("changed");
    saveCodeCaches();
    expect(cacheFiles()).toHaveLength(2);
    expect(cacheFiles()).not.toContain(old);
    expect(cacheFiles().filter((f) => f.startsWith("answer.cjs-other-"))).toHaveLength(1);
  });

  it("ignores a damaged or truncated cache file and replaces it", () => {
    load();
    saveCodeCaches();
    const file = path.join(cache, cacheFiles()[0]!);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 10]! ^= 0xff;
    // Damaged bytes, cut short, not a cache, empty. (Well framed data that V8
    // rejects is tested on the CLI: within one process V8 reuses its own compile.)
    const damaged = [flipped, good.subarray(0, 30), Buffer.from("not a cache"), Buffer.alloc(0)];
    for (const bad of damaged) {
      writeFileSync(file, bad);
      expect(load().answer()).toBe("answer.cjs says 42");
      saveCodeCaches();
      expect(isWhole(file)).toBe(true);
      expect(readFileSync(file).equals(bad)).toBe(false);
    }
  });

  it("works when no cache directory can be made or written", () => {
    const blocker = path.join(work, "a-file");
    writeFileSync(blocker, "");
    expect(load([path.join(blocker, "cache")]).answer()).toBe("answer.cjs says 42");
    expect(() => saveCodeCaches()).not.toThrow();
    expect(readdirSync(work).sort()).toEqual(["a-file", "answer.cjs"]);
  });

  it("falls back to the next directory, and reads from it", () => {
    const blocker = path.join(work, "a-file");
    writeFileSync(blocker, "");
    const dirs = [path.join(blocker, "cache"), cache];
    load(dirs);
    saveCodeCaches();
    expect(cacheFiles()).toHaveLength(1);
    const file = path.join(cache, cacheFiles()[0]!);
    const written = statSync(file).mtimeMs;
    load(dirs);
    saveCodeCaches();
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("never uses a directory others can write", () => {
    const shared = path.join(work, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    load([shared]);
    saveCodeCaches();
    expect(readdirSync(shared)).toEqual([]);
    // A cache put there by someone else is not read: the next load still wants to write one.
    chmodSync(shared, 0o700);
    load([shared]);
    saveCodeCaches();
    const [planted] = readdirSync(shared);
    chmodSync(shared, 0o777);
    const before = statSync(path.join(shared, planted!)).mtimeMs;
    load([shared, cache]);
    saveCodeCaches();
    expect(cacheFiles()).toHaveLength(1);
    expect(statSync(path.join(shared, planted!)).mtimeMs).toBe(before);
  });

  it("works with caching off", () => {
    expect(load([]).answer()).toBe("answer.cjs says 42");
    saveCodeCaches();
    expect(readdirSync(work)).toEqual(["answer.cjs"]);
  });
});

describe("cacheDirs", () => {
  it("is per user, with a fallback, and can be set or turned off", () => {
    const fallback = path.join(os.tmpdir(), `fennel-js-${process.getuid!()}`);
    expect(cacheDirs({ FENNEL_JS_CACHE_DIR: "/x/y" })).toEqual(["/x/y"]);
    expect(cacheDirs({ FENNEL_JS_CACHE_DIR: "off" })).toEqual([]);
    expect(cacheDirs({ XDG_CACHE_HOME: "/c" })).toEqual([path.join("/c", "fennel-js"), fallback]);
    expect(cacheDirs({ XDG_CACHE_HOME: "relative" })).toEqual([path.join(os.homedir(), ".cache", "fennel-js"), fallback]);
  });
});
