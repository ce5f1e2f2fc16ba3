// Builds the package once per test process so process-level tests run the
// real `dist/cli.js`. Set FENNEL_JS_SKIP_BUILD=1 when dist is known fresh.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI_PATH = path.join(PACKAGE_DIR, "dist", "cli.js");

let built = false;

/** Compile src/ to dist/ with tsc; type errors elsewhere do not stop emitting. */
export function buildOnce(): void {
  if (built) return;
  built = true;
  if (process.env.FENNEL_JS_SKIP_BUILD === "1" && existsSync(CLI_PATH)) return;
  const candidates = [
    path.join(PACKAGE_DIR, "node_modules", ".bin", "tsc"),
    path.join(PACKAGE_DIR, "..", "..", "node_modules", ".bin", "tsc"),
  ];
  const bin = candidates.find((c) => existsSync(c)) ?? "tsc";
  try {
    execFileSync(bin, ["-p", "tsconfig.build.json"], { cwd: PACKAGE_DIR, stdio: "pipe" });
  } catch (err) {
    if (!existsSync(CLI_PATH)) throw err;
  }
}
