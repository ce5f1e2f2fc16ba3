// Bundles the quire-ci program into one file per process: dist/bin/quire-ci.js
// (the CLI with fennel-js inlined; it takes no runtime value from
// @quire/shared, so its schema library stays out) and dist/bin/spawn-helper.js.
// Node then reads two files at start instead of ~100 modules (splitting the
// modes into lazily loaded chunks measured no better). tsc still type-checks
// and writes the library and declarations; this runs after it and replaces
// the bin. wasmoon stays external: it finds its WebAssembly file next to
// itself, and is loaded through require.
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

await build({
  ...common,
  entryPoints: { "quire-ci": path.join(pkg, "src/bin/quire-ci.ts"), "spawn-helper": path.join(pkg, "src/runtime/spawn-helper.ts") },
  outdir: path.join(pkg, "dist/bin"),
  // The shebang comes from the entry; createRequire serves code that asks for require.
  banner: { js: 'import { createRequire as __quireCreateRequire } from "node:module"; const require = __quireCreateRequire(import.meta.url);' },
});
fs.chmodSync(path.join(pkg, "dist/bin/quire-ci.js"), 0o755);
