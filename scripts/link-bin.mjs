// `pnpm link-bin [DIR]`: put real `quire` and `quire-ci` commands on PATH.
// Writes two small shell scripts into DIR (default ~/.local/bin) that run
// this checkout's built programs with this Node; rerun after moving the
// checkout. Builds first (turbo, cached).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.resolve(process.argv[2] ?? path.join(os.homedir(), ".local", "bin"));

const build = spawnSync("turbo", ["run", "build", "--output-logs=errors-only"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (build.error || build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ""}${build.stderr ?? ""}link-bin: the build failed${build.error ? ` (${build.error.message})` : ""}\n`);
  process.exit(1);
}

const quote = (word) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
const programs = {
  quire: path.join(root, "packages/server/dist/bin/quire.js"),
  "quire-ci": path.join(root, "packages/quire-ci/dist/bin/quire-ci.js"),
};
fs.mkdirSync(dir, { recursive: true });
for (const [name, script] of Object.entries(programs)) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n# Written by \`pnpm link-bin\` in ${root}: rerun it there after moving the checkout.\nexec ${quote(process.execPath)} ${quote(script)} "$@"\n`, { mode: 0o755 });
  fs.chmodSync(file, 0o755);
  process.stdout.write(`${file} → ${script}\n`);
}
const onPath = (process.env.PATH ?? "").split(path.delimiter).some((p) => p !== "" && path.resolve(p) === dir);
if (!onPath) process.stdout.write(`${dir} is not on your PATH; add it, e.g. in ~/.profile:\n  export PATH="${dir}:$PATH"\n`);
process.stdout.write("Shell completion: see `quire completion --help`.\n");
