#!/usr/bin/env node
// The `fennel-js` command's launcher. The command itself is cli-main.ts; the
// build also bundles it into one script (cli-bundle.cjs), which loads here
// with V8's code cache (host/code-cache.ts) instead of as ~80 modules. The
// build bundles this launcher too, as the package's bin (fennel-js.cjs):
// started as CommonJS, Node skips its ES module loader.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { requireCached, saveCodeCaches } from "./host/code-cache.js";
import { useBaselineWasm } from "./host/wasm-tier.js";

type Cli = typeof import("./cli-main.js");

// First: V8's flags are part of what a code cache must match.
useBaselineWasm();
const argv = process.argv.slice(2);
const bundle = fileURLToPath(new URL("./cli-bundle.cjs", import.meta.url));
// A compile runs other code than a run does: each keeps its own cache.
const tag = argv.includes("--compile") || argv.includes("-c") ? "compile" : "run";
const loaded: Promise<Cli> = existsSync(bundle) ? Promise.resolve(requireCached(bundle, { tag }) as Cli) : import("./cli-main.js");
loaded.then(
  (cli) =>
    cli.main(argv).then(
      (code) => {
        saveCodeCaches();
        process.exit(code);
      },
      (e: unknown) => {
        process.stderr.write(`${cli.describeError(e)}\n`);
        process.exit(1);
      },
    ),
  (e: unknown) => {
    process.stderr.write(`fennel-js: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
