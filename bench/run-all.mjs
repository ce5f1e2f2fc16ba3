// Runs every benchmark script of the repository in turn and lets each print
// its own figures: bench/*.mjs at the root and packages/*/bench/*.mjs.
// Usage: pnpm bench            (builds first, then runs them all)
//        node bench/run-all.mjs NAME…   (only scripts whose file name contains NAME)
import { spawnSync } from "node:child_process";
import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const filters = process.argv.slice(2);

function scriptsIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".mjs") && f !== "run-all.mjs")
    .sort()
    .map((f) => path.join(dir, f));
}

const scripts = [
  ...scriptsIn(path.join(root, "bench")),
  ...readdirSync(path.join(root, "packages")).flatMap((p) => scriptsIn(path.join(root, "packages", p, "bench"))),
].filter((s) => filters.length === 0 || filters.some((f) => path.basename(s).includes(f)));

let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n== ${path.relative(root, script)}\n`);
  const r = spawnSync(process.execPath, [script], { stdio: "inherit", cwd: root });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`!! ${path.relative(root, script)} exited ${r.status ?? r.signal}\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
