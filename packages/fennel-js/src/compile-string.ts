// compileString: Fennel source text to Lua, with compile-time code (macros,
// eval-compiler) run on the process's shared compile-time VM. It is
// synchronous; code that needs that VM before the Lua engine has loaded
// raises CompilerNotReadyError until `await warmUp()`.
import { compileSource } from "./compiler/index.js";
import { compileVMSession, type CompileVMSession } from "./host/compile-time/compile-vm.js";
import type { CompileOptions, CompileResult } from "./types.js";

export { CompilerNotReadyError } from "./host/compile-time/compile-vm.js";

/** Compile a whole Fennel source string to a Lua chunk. */
export function compileString(source: string, options: CompileOptions = {}): CompileResult {
  let session: CompileVMSession | undefined;
  try {
    return compileSource(source, options, {
      compileTime: (compiler) => {
        session = compileVMSession(compiler, {
          ...(options.readFile ? { readFile: options.readFile } : {}),
          ...(options.compileTimeoutMs !== undefined ? { timeoutMs: options.compileTimeoutMs } : {}),
        });
        return session.compileTime;
      },
    });
  } finally {
    session?.release();
  }
}
