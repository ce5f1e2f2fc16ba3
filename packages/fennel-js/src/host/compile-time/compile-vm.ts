// The process's compile-time VM for compiles that run no program (the
// compileString API, quire-ci's ci.fnl): made on first need, once the
// WebAssembly module is compiled, and shared. Macro code there reaches no
// real file, process or environment: its io is the engine's empty in-memory
// one, and macro modules are read through the compile's own file access.
import type { CompileTime, CompilerSide } from "../../compiler/compile-time.js";
import { newEngineSync } from "../engine.js";
import type { OutputSink } from "../node-files.js";
import { VM } from "../vm/vm.js";
import { VMCompileTime } from "./session.js";

/** Thrown when compile-time code needs the Lua engine before it has loaded. */
export class CompilerNotReadyError extends Error {
  constructor() {
    super("fennel-js: this code runs code at compile time (macros, eval-compiler), which needs the Lua engine: await warmUp() before compiling it synchronously");
    this.name = "CompilerNotReadyError";
  }
}

const stderrSink: OutputSink = {
  write(bytes: Uint8Array): void {
    process.stderr.write(bytes);
  },
  flush(): void {},
};

let shared: VM | undefined;

/** The shared compile-time VM, made now if the engine is loaded. */
export function compileVM(): VM {
  if (shared === undefined || shared.isClosed()) {
    const engine = newEngineSync();
    if (engine === undefined) throw new CompilerNotReadyError();
    shared = new VM(engine, { profile: "compiler", stdout: stderrSink, luaModules: false });
  }
  return shared;
}

export interface CompileVMSession {
  compileTime: CompileTime;
  release(): void;
}

/** A compile's compile-time side on the shared VM; `readFile` serves macro modules. */
export function compileVMSession(
  compiler: CompilerSide,
  options: { readFile?: (path: string) => string | undefined; timeoutMs?: number },
): CompileVMSession {
  const vm = compileVM();
  const L = vm.global.address;
  // Each compile starts with no macro module loaded, as if it were its own process.
  vm.resetMacroModules();
  const restore = vm.useFileAccess(options.readFile);
  const session = new VMCompileTime(vm, L, 0, compiler, options.timeoutMs);
  return {
    compileTime: session,
    release() {
      session.release();
      restore();
    },
  };
}
