// The package build: tsc into a staging folder beside dist/, plus the CLI
// bundled into one CommonJS script (cli-bundle.cjs, which the launchers cli.js
// and fennel-js.cjs, the bin, load with V8's code cache), plus fennel-js's own
// Lua precompiled (lua-bytecode.bin, see host/lua-bytecode.ts), then each file
// renamed into dist/. A process running
// dist/cli.js meanwhile (a test, another package) sees whole old or whole new
// files, never one still being written.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(packageDir, "dist");
const staging = path.join(packageDir, `.dist-staging-${process.pid}`);

function moveInto(from, to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) moveInto(src, dst);
    else renameSync(src, dst);
  }
}

const tsc = [
  path.join(packageDir, "node_modules", ".bin", "tsc"),
  path.join(packageDir, "..", "..", "node_modules", ".bin", "tsc"),
].find((c) => existsSync(c)) ?? "tsc";

/**
 * One CommonJS script from `entry` and everything it imports but wasmoon
 * (which finds its .wasm beside itself) and `external`; modules imported
 * lazily still run lazily.
 */
function bundle(entry, outfile, external = []) {
  const esbuild = path.join(packageDir, "node_modules", "esbuild", "lib", "main.js");
  const { buildSync } = createRequire(import.meta.url)(esbuild);
  buildSync({
    entryPoints: [path.join(packageDir, "src", entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["wasmoon", ...external],
    // import.meta.url, as the bundle's own file, for resolving files beside it.
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: "warning",
  });
}

/**
 * lua-bytecode.bin in `dir`: the chunks of fennel-js's own Lua that VMs of the
 * staged build load (made for the CLI and for pipelines, running a line that
 * uses a macro and fennel.view), dumped as bytecode.
 */
async function luaBytecode(dir) {
  process.env.FENNEL_JS_CACHE_DIR = "off";
  const load = (file) => import(pathToFileURL(path.join(dir, file)).href);
  const bytecode = await load("host/lua-bytecode.js");
  bytecode.recordChunks();
  const { createVM } = await load("host/vm/vm.js");
  const quiet = { write() {}, flush() {} };
  const cli = await createVM({ profile: "cli", stdout: quiet });
  cli.addFennelPath("./?.fnl");
  cli.addPackagePath("./?.lua");
  cli.setArg(["node", "fennel-js", "main.fnl"], -2);
  await cli.evalString("(macro twice [x] `(do ,x ,x)) (twice (print ((. (require :fennel) :view) [1 {:a 2}])))");
  cli.close();
  (await createVM({ stdout: quiet })).close();
  const { newEngine } = await load("host/engine.js");
  const engine = await newEngine();
  writeFileSync(path.join(dir, bytecode.BYTECODE_FILE), bytecode.dumpRecorded(engine.global));
  engine.global.close();
}

rmSync(staging, { recursive: true, force: true });
let failed;
try {
  try {
    execFileSync(tsc, ["-p", "tsconfig.build.json", "--outDir", staging], { cwd: packageDir, stdio: "inherit" });
  } catch (err) {
    failed = err;
  }
  // Type errors still emit JavaScript; install it, then report the failure.
  if (existsSync(path.join(staging, "cli.js"))) {
    // The command, and the launcher that loads it: the package's bin.
    bundle("cli-main.ts", path.join(staging, "cli-bundle.cjs"));
    bundle("cli.ts", path.join(staging, "fennel-js.cjs"), ["./cli-main.js"]);
    chmodSync(path.join(staging, "fennel-js.cjs"), 0o755);
    chmodSync(path.join(staging, "cli.js"), 0o755);
    // Without it VMs parse the text: a build whose VMs do not start still installs.
    await luaBytecode(staging).catch((err) => console.warn(`fennel-js build: no lua-bytecode.bin (${err instanceof Error ? err.message : err})`));
    moveInto(staging, dist);
  }
} finally {
  rmSync(staging, { recursive: true, force: true });
}
if (failed) process.exit(typeof failed.status === "number" ? failed.status : 1);
