// `pnpm quire …`: build this checkout (turbo, cached) and run its `quire`.
// The build's chatter stays off stdout, so stdout carries only quire's own
// output (`pnpm -s quire ci runs --json | jq` works); the build's output is
// shown, on stderr, only when it fails.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const build = spawnSync("turbo", ["run", "build", "--output-logs=errors-only"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (build.error || build.status !== 0) {
  process.stderr.write(build.stdout ?? "");
  process.stderr.write(build.stderr ?? "");
  process.stderr.write(`quire: the build failed${build.error ? ` (${build.error.message})` : ""}; fix it, or run the built bin directly\n`);
  process.exit(1);
}
const quire = spawnSync(process.execPath, [path.join(root, "packages/server/dist/bin/quire.js"), ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(quire.status ?? (quire.signal ? 128 : 1));
