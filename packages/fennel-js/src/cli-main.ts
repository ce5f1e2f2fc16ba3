// The `fennel-js` command: run a file with `arg` set, --compile to Lua,
// -e/--eval, --repl; flags and output as the reference `fennel` command.
// Everything Lua prints goes to stdout as raw bytes through one buffer.
// cli.ts launches it; it starts the Lua VM only for commands that run code.
import { readFileSync } from "node:fs";
import { compileSource } from "./compiler/index.js";
import { describeError } from "./describe-error.js";
import { FdSink } from "./host/node-files.js";
import { decodeSource, encodeLua } from "./host/source-text.js";
import type { VM } from "./host/vm/vm.js";
import { FENNEL_VERSION } from "./version.js";

const HELP = `Usage: fennel-js [FLAG] [FILE]

Run Fennel, a Lisp programming language for the Lua runtime.

  --repl                   : Command to launch an interactive REPL session
  -c, --compile FILES      : Command to AOT compile files, writing Lua to stdout
  -e, --eval SOURCE        : Command to evaluate source code and print result

  --add-package-path PATH  : Add PATH to package.path for finding Lua modules
  --add-fennel-path PATH   : Add PATH to fennel.path for finding Fennel modules
  --globals G1[,G2...]     : Allow these globals in addition to standard ones

  -h, --help               : Display this text
  -v, --version            : Show version

When not given a command, runs the file given as the first argument.
When given neither command nor file, launches a REPL.`;

const COMMANDS = new Set(["--repl", "--compile", "-c", "--eval", "-e", "--version", "-v", "--help", "-h", "-"]);

const NO_VM = new Set(["--compile", "-c", "--help", "-h", "--version", "-v"]);

interface CliOptions {
  fennelPaths: string[];
  packagePaths: string[];
  globals: string[] | false | undefined;
}

/** Run the command line `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const stdout = new FdSink(1);
  const opts: CliOptions = { fennelPaths: [], packagePaths: [], globals: undefined };
  const args = [...argv];
  let i = 0;
  while (i < args.length) {
    const a = args[i] as string;
    const value = args[i + 1];
    if (a === "--add-fennel-path" || a === "--add-package-path" || a === "--globals") {
      if (value === undefined) return usageError(`${a} needs a value`);
      if (a === "--add-fennel-path") opts.fennelPaths.push(value);
      else if (a === "--add-package-path") opts.packagePaths.push(value);
      else opts.globals = value === "*" ? false : value.split(",").filter((g) => g !== "");
      args.splice(i, 2);
    } else if (a === "--no-searcher" || a === "--correlate" || a === "--no-fennelrc" || a === "--metadata" || a === "--no-metadata") {
      args.splice(i, 1);
    } else if (COMMANDS.has(a)) {
      i++;
    } else {
      break;
    }
  }
  const command = args[0];
  // Commands that run code need the VM: start compiling the WebAssembly Lua
  // now, beside the work before it. --compile starts it only for macros.
  if (!NO_VM.has(command as string)) void import("./host/engine.js").then((engine) => engine.warmUp());
  try {
    if (command === undefined || command === "--repl") {
      const vm = await makeVM(opts, stdout, []);
      const { runRepl } = await import("./repl.js");
      return await runRepl(vm, stdout);
    }
    if (command === "--help" || command === "-h") {
      stdout.write(Buffer.from(`${HELP}\n`));
      return finish(stdout, 0);
    }
    if (command === "--version" || command === "-v") {
      stdout.write(Buffer.from(`Fennel ${FENNEL_VERSION} on PUC Lua 5.4\n`));
      return finish(stdout, 0);
    }
    if (command === "--compile" || command === "-c") return await compileFiles(args.slice(1), opts, stdout);
    if (command === "--eval" || command === "-e") {
      const code = args[1];
      if (code === undefined) return usageError(`${command} needs Fennel code to evaluate`);
      const vm = await makeVM(opts, stdout, argv);
      const source = code === "-" ? readFileSync(0, "utf8") : code;
      await vm.evalString(source, { print: "values" });
      return finish(stdout, 0);
    }
    if (command === "-") {
      const vm = await makeVM(opts, stdout, argv);
      await vm.evalString(readFileSync(0, "utf8"));
      return finish(stdout, 0);
    }
    const vm = await makeVM(opts, stdout, [command, ...args.slice(1)], true);
    await vm.evalFile(command, args.slice(1));
    return finish(stdout, 0);
  } catch (e) {
    stdout.flush();
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
}

async function makeVM(opts: CliOptions, stdout: FdSink, argv: string[], fileMode = false): Promise<VM> {
  // The VM's modules load only when a VM is wanted: --compile of a file with
  // no compile-time code starts no VM and so need not load them.
  const { createVM } = await import("./host/vm/vm.js");
  const vm = await createVM({
    profile: "cli",
    stdout,
    ...(opts.globals !== undefined ? { allowedGlobals: opts.globals } : {}),
  });
  // The environment variables Lua and the reference read at start-up.
  const fennelEnv = process.env.FENNEL_PATH;
  if (fennelEnv) vm.setFennelPath(`./?.fnl;./?/init.fnl;${fennelEnv}`);
  const luaEnv = process.env.LUA_PATH_5_4 ?? process.env.LUA_PATH;
  if (luaEnv) vm.setPackagePath(luaEnv);
  for (const p of opts.fennelPaths) vm.addFennelPath(p);
  for (const p of opts.packagePaths) vm.addPackagePath(p);
  // As the reference sets it: the script at 0 and its arguments after it; the
  // interpreter and launcher at negative indices.
  const launcher = process.argv[1] ?? "fennel-js";
  if (fileMode) vm.setArg([process.execPath, launcher, ...argv], -2);
  else vm.setArg([process.execPath, launcher, ...argv], -1);
  return vm;
}

/** Thrown where a file needs compile-time code: it is then compiled in a VM. */
const NEEDS_VM = new Error("compile-time code needs a VM");

async function compileFiles(files: string[], opts: CliOptions, stdout: FdSink): Promise<number> {
  // Most files run no code at compile time; those that do get a VM with the
  // real io, as the reference's macros can read files.
  let vm: VM | undefined;
  for (const file of files) {
    try {
      const source = decodeSource(file === "-" ? readFileSync(0) : readFileSync(file));
      const options = { filename: file, allowedGlobals: opts.globals === undefined ? (false as const) : opts.globals };
      let lua: string;
      try {
        lua = compileSource(source.text, options, {
          compileTime: () => {
            throw NEEDS_VM;
          },
        }).lua;
      } catch (e) {
        if (e !== NEEDS_VM) throw e;
        vm ??= await makeVM(opts, stdout, []);
        lua = vm.compileText(source.text, options).lua;
      }
      stdout.write(encodeLua(`${lua}\n`, source.encoding));
    } catch (e) {
      stdout.flush();
      const text = describeError(e);
      process.stderr.write(`${text}\n`);
      return 1;
    }
  }
  return finish(stdout, 0);
}

function usageError(message: string): number {
  process.stderr.write(`fennel-js: ${message}\n\n${HELP}\n`);
  return 1;
}

function finish(stdout: FdSink, code: number): number {
  stdout.flush();
  return code;
}

export { describeError };
