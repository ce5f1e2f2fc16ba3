// Bundles the `quire` entry into one file: dist/bin/quire.js holds the CLI
// declaration, @quire/cli-kit and the parser, so every start (the
// post-receive hook on each push above all) reads one module instead of
// about twenty. Each command's implementation stays where tsc wrote it and is
// imported on use: the declarations' `import("../x.js")` calls are rewritten
// to point from dist/bin/ at dist/cli/. Runs after tsc, replacing its bin.
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const src = path.join(pkg, "src");
const outfile = path.join(pkg, "dist/bin/quire.js");

/** Dynamic imports stay dynamic: resolved to the tsc output beside the bundle. */
const keepLazyImports = {
  name: "keep-lazy-imports",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      const rel = path.relative(src, target);
      if (rel.startsWith("..")) throw new Error(`lazy import outside src: ${args.path} from ${args.importer}`);
      const fromBin = path.relative(path.dirname(path.join(pkg, "dist/bin/quire.js")), path.join(pkg, "dist", rel));
      return { path: fromBin.startsWith(".") ? fromBin : `./${fromBin}`, external: true };
    });
  },
};

await build({
  entryPoints: [path.join(src, "bin/quire.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  conditions: ["source"],
  plugins: [keepLazyImports],
  logLevel: "warning",
  legalComments: "none",
});
fs.chmodSync(outfile, 0o755);
