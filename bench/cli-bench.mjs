// Start-up cost of the `quire` CLI where it matters: the post-receive hook
// (every push pays it) and `quire --help`, against a bare `node -e 0` started
// the same way in the same run, interleaved so load on the machine hits all
// alike. Optional: QUIRE_BASE_BIN=<another quire.js> adds a peer build to
// compare with (e.g. the previous commit's). Needs a build (`pnpm bench`).
// Usage: node bench/cli-bench.mjs [RUNS]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const quireBin = path.join(root, "packages/server/dist/bin/quire.js");
const RUNS = Number(process.argv[2] ?? 40);
const data = mkdtempSync(path.join(tmpdir(), "quire-cli-bench-"));

const subjects = [
  ["node -e 0", [process.execPath, "-e", "0"]],
  ["quire hook post-receive (no refs)", [process.execPath, quireBin, "--data-dir", data, "hook", "post-receive"]],
  ["quire --help", [process.execPath, quireBin, "--help"]],
];
if (process.env.QUIRE_BASE_BIN) subjects.push(["peer: hook post-receive", [process.execPath, process.env.QUIRE_BASE_BIN, "--data-dir", data, "hook", "post-receive"]]);

const times = new Map(subjects.map(([name]) => [name, []]));
for (let i = 0; i < RUNS + 3; i++) {
  for (const [name, [cmd, ...args]] of subjects) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { input: "", encoding: "utf8" });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
    if (i >= 3) times.get(name).push(ms); // the first rounds warm the file cache
  }
}
rmSync(data, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = median(times.get("node -e 0"));
for (const [name] of subjects) {
  const m = median(times.get(name));
  console.log(`${name.padEnd(36)} median ${m.toFixed(1)} ms  (${(m / floor).toFixed(2)}× node -e 0, +${(m - floor).toFixed(1)} ms)`);
}
