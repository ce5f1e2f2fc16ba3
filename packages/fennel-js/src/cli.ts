#!/usr/bin/env node
// The `fennel-js` command's launcher. The command itself is cli-main.ts; the
// build also bundles it into one script (cli-bundle.cjs), which loads here
// with V8's code cache (host/code-cache.ts) instead of as ~80 modules.
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
const cli = existsSync(bundle) ? (requireCached(bundle, { tag }) as Cli) : await import("./cli-main.js");
cli.main(argv).then(
  (code) => {
    saveCodeCaches();
    process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`${cli.describeError(e)}\n`);
    process.exit(1);
  },
);
