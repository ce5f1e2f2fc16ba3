// Builds the package before process-level tests run the real `dist/cli.js`:
// skipped when dist is newer than every source file, and serialized by a lock
// directory because test files run in parallel processes that share dist/.
// Set FENNEL_JS_SKIP_BUILD=1 to use dist as it is.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI_PATH = path.join(PACKAGE_DIR, "dist", "cli.js");
const LOCK = path.join(PACKAGE_DIR, "dist", ".build-lock");
// tsc leaves unchanged outputs untouched, so dist files' times say nothing; this does.
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

function fresh(): boolean {
  if (!existsSync(CLI_PATH) || !existsSync(STAMP)) return false;
  return statSync(STAMP).mtimeMs >= newestSource(path.join(PACKAGE_DIR, "src"));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function tsc(): void {
  const candidates = [
    path.join(PACKAGE_DIR, "node_modules", ".bin", "tsc"),
    path.join(PACKAGE_DIR, "..", "..", "node_modules", ".bin", "tsc"),
  ];
  const bin = candidates.find((c) => existsSync(c)) ?? "tsc";
  try {
    execFileSync(bin, ["-p", "tsconfig.build.json"], { cwd: PACKAGE_DIR, stdio: "pipe" });
  } catch (err) {
    // Type errors elsewhere still emit JavaScript; only a missing CLI is fatal.
    if (!existsSync(CLI_PATH)) throw err;
  }
}

let built = false;

/** Make sure dist/ holds a build of the current sources. */
export function buildOnce(): void {
  if (built) return;
  built = true;
  if (process.env.FENNEL_JS_SKIP_BUILD === "1" && existsSync(CLI_PATH)) return;
  if (fresh()) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test process is building; a lock older than five minutes is abandoned.
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${LOCK}; remove it if no build is running`);
      sleep(200);
    }
  }
  try {
    if (!fresh()) {
      const started = new Date();
      tsc();
      writeFileSync(STAMP, "");
      // Sources saved while tsc ran must still look newer than the stamp.
      utimesSync(STAMP, started, started);
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
