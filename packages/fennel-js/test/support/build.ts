// Builds the package before process-level tests run the real `dist/cli.js`:
// skipped when dist is already built from the current sources (always in CI,
// which builds before testing), serialized by a lock directory, and done by the
// package's staged build so processes running dist/ never see half a file.
// Set FENNEL_JS_SKIP_BUILD=1 to use dist as it is.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI_PATH = path.join(PACKAGE_DIR, "dist", "cli.js");
const LOCK = path.join(PACKAGE_DIR, "dist", ".build-lock");
// Written after each test build; a build by the package script is recognised by file times.
const STAMP = path.join(PACKAGE_DIR, "dist", ".build-stamp");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Every source has its compiled file in dist, written after the source was. */
function eachOutputNewer(srcDir: string, outDir: string): boolean {
  for (const entry of readdirSync(srcDir, { withFileTypes: true })) {
    const p = path.join(srcDir, entry.name);
    if (entry.isDirectory()) {
      if (!eachOutputNewer(p, path.join(outDir, entry.name))) return false;
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      const out = statSync(path.join(outDir, entry.name.slice(0, -3) + ".js"), { throwIfNoEntry: false });
      if (out === undefined || out.mtimeMs < statSync(p).mtimeMs) return false;
    }
  }
  return true;
}

function fresh(): boolean {
  if (!existsSync(CLI_PATH)) return false;
  const src = path.join(PACKAGE_DIR, "src");
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestSource(src)) return true;
  // A build by the package's own script (as CI runs before the tests) leaves no stamp.
  return eachOutputNewer(src, path.join(PACKAGE_DIR, "dist"));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function build(): void {
  try {
    // The package's own build stages its output and renames it into dist/.
    execFileSync(process.execPath, [path.join(PACKAGE_DIR, "scripts", "build.mjs")], { cwd: PACKAGE_DIR, stdio: "pipe" });
  } catch (err) {
    // Type errors elsewhere still emit JavaScript; only a missing CLI is fatal.
    if (!existsSync(CLI_PATH)) throw err;
  }
}

/** How long a test process may wait for a build; hooks that call buildOnce allow more. */
export const BUILD_WAIT_MS = 300_000;

let built = false;

/** Make sure dist/ holds a build of the current sources. */
export function buildOnce(): void {
  if (built) return;
  built = true;
  if (process.env.FENNEL_JS_SKIP_BUILD === "1" && existsSync(CLI_PATH)) return;
  // CI runs the package build right before the tests: dist is the current sources.
  if (process.env.CI && existsSync(CLI_PATH)) return;
  if (fresh()) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + BUILD_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test process is building; a lock older than that is abandoned (a second
      // build is harmless: each stages its own output).
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > BUILD_WAIT_MS / 2) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${LOCK}; remove it if no build is running`);
      sleep(200);
    }
  }
  try {
    if (!fresh()) {
      const started = new Date();
      build();
      writeFileSync(STAMP, "");
      // Sources saved while tsc ran must still look newer than the stamp.
      utimesSync(STAMP, started, started);
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
