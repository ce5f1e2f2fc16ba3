// Bundles the quire-ci program into a few files instead of ~100 modules:
// dist/bin/quire-ci.js, the small entry (argument checks and the server-mode
// bootstrap request), dist/bin/quire-ci-main.js, the rest with fennel-js
// inlined (it takes no runtime value from @quire/shared, so its schema library
// stays out), the code both share in one more file, and
// dist/bin/spawn-helper.js. The entry's request leaves before Node reads and
// compiles the main file. tsc still type-checks and writes the library and
// declarations; this runs after it and replaces the bin. wasmoon stays
// external: it finds its WebAssembly file next to itself, and is loaded
// through require.
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // Workspace packages resolve to their TypeScript sources, as in tests.
  conditions: ["source"],
  external: ["wasmoon"],
  logLevel: "warning",
  legalComments: "none",
};

// The shebang comes from the entry; createRequire serves code that asks for require.
const banner = { js: 'import { createRequire as __quireCreateRequire } from "node:module"; const require = __quireCreateRequire(import.meta.url);' };

const outdir = path.join(pkg, "dist/bin");
// Chunk names carry a content hash: drop the previous build's.
for (const f of fs.existsSync(outdir) ? fs.readdirSync(outdir) : []) {
  if (f.startsWith("quire-ci-chunk-")) fs.rmSync(path.join(outdir, f));
}

await build({
  ...common,
  entryPoints: { "quire-ci": path.join(pkg, "src/bin/quire-ci.ts"), "quire-ci-main": path.join(pkg, "src/bin/quire-ci-main.ts") },
  outdir,
  splitting: true,
  chunkNames: "quire-ci-chunk-[hash]",
  banner,
});
await build({
  ...common,
  entryPoints: { "spawn-helper": path.join(pkg, "src/runtime/spawn-helper.ts") },
  outdir,
  banner,
});
fs.chmodSync(path.join(outdir, "quire-ci.js"), 0o755);
