// The code cache on disk: written once, read back, keyed by content, and never
// in the way when the directory cannot be written or a file is damaged.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { cacheDir, requireCached, saveCodeCaches } from "./code-cache.js";

let work: string;
let cache: string;
let script: string;

beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "fennel-js-code-cache-"));
  cache = path.join(work, "cache");
  script = path.join(work, "answer.cjs");
  writeFileSync(script, "#!/usr/bin/env node\nconst base = require('node:path').basename(__filename);\nexports.answer = () => base + ' says ' + 42;\n");
});

/** Load the script with `dir` as the cache directory (null: no cache). */
const load = (dir: string | null = cache): { answer(): string } =>
  requireCached(script, { tag: "test", dir: dir ?? undefined }) as { answer(): string };
const MAGIC = "fennel-js code cache 1\n";
const sha1 = (b: Uint8Array): Buffer => createHash("sha1").update(b).digest();
/** The file is as the module writes it: magic, the payload's SHA-1, the payload. */
function isWhole(file: string): boolean {
  const data = readFileSync(file);
  const start = MAGIC.length + 20;
  return data.subarray(0, MAGIC.length).toString() === MAGIC && data.length > start && sha1(data.subarray(start)).equals(data.subarray(MAGIC.length, start));
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
    requireCached(script, { tag: "other", dir: cache });
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

  it("works when the cache directory cannot be made or written", () => {
    const blocker = path.join(work, "a-file");
    writeFileSync(blocker, "");
    const unwritable = path.join(blocker, "cache");
    expect(load(unwritable).answer()).toBe("answer.cjs says 42");
    expect(() => saveCodeCaches()).not.toThrow();
    expect(readdirSync(work).sort()).toEqual(["a-file", "answer.cjs"]);
  });

  it("works with caching off", () => {
    expect(load(null).answer()).toBe("answer.cjs says 42");
    saveCodeCaches();
    expect(readdirSync(work)).toEqual(["answer.cjs"]);
  });
});

describe("cacheDir", () => {
  it("is per user, can be set or turned off", () => {
    expect(cacheDir({ FENNEL_JS_CACHE_DIR: "/x/y" })).toBe("/x/y");
    expect(cacheDir({ FENNEL_JS_CACHE_DIR: "off" })).toBeUndefined();
    expect(cacheDir({ XDG_CACHE_HOME: "/c" })).toBe(path.join("/c", "fennel-js"));
    expect(cacheDir({ XDG_CACHE_HOME: "relative" })).toBe(path.join(os.homedir(), ".cache", "fennel-js"));
  });
});
