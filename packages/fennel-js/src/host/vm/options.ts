// The options a VM is built and run with: its profile, module paths, setup
// Lua and refusal messages, and the per-run EvalOptions. The VM itself is in
// vm.ts; how these options are applied is in boot.ts.
import type { CompileResult } from "../../types.js";
import type { OutputSink } from "../node-files.js";

/** `compiler`: the shared compile-time VM (compile-vm.ts); everything kept, no host io. */
export type VMProfile = "pipeline" | "cli" | "compiler";

export interface VMOptions {
  /**
   * `pipeline` (default): no io, debug, load, loadfile, dofile; os only
   * time/date/clock. `cli`: io and os backed by the real machine.
   */
  profile?: VMProfile;
  /** Directory that module paths are relative to. Default: the process's cwd. */
  root?: string;
  /** Fennel module path. Default `./?.fnl;./?/init.fnl`. */
  fennelPath?: string;
  /** Allow `require` of .lua modules (along `package.path`). Default: true for cli. */
  luaModules?: boolean;
  /** Globals allowed besides those present in the VM; `false` turns strict checking off. */
  allowedGlobals?: string[] | false;
  /** Where `print` (and in the cli profile io.stdout) writes. Default: the process's stdout. */
  stdout?: OutputSink;
  /**
   * Trusted Lua run once while the VM is built, before the profile removes
   * anything (it still sees debug, load and package). Its `...` are `args`
   * converted (functions become host functions); its return values become
   * `vm.setupResult`.
   */
  setup?: VMSetup;
  /** Pipeline profile: clear messages for what it removed, instead of "attempt to index a nil value". */
  refusals?: VMRefusals;
  /**
   * Most bytes the VM's Lua may hold. Kept by Lua's allocator: an allocation
   * that would take Lua past it is refused (after a full collection, so
   * garbage does not count), and the run is stopped with a LuaRuntimeError
   * whose `memoryExceeded` is true and whose message names the .fnl line that
   * allocated (`x.fnl:7: memory limit of 512 MiB reached`). pcall, xpcall
   * and coroutine.resume raise it again rather than catch it. Costs nothing
   * per instruction; allocations pay a call into JavaScript. `vm.memoryLimit`
   * changes it later (a VM made without one gets the allocator then, but code
   * that kept pcall before that can catch it).
   */
  memoryLimitBytes?: number;
}

export interface VMSetup {
  lua: string;
  args?: unknown[];
  /** Chunk name in errors and tracebacks. Default "setup". */
  name?: string;
}

export interface VMRefusals {
  /**
   * Message raised where code reads a global of this name (io, debug, load…).
   * A listed global still present, such as `package`, is removed first.
   */
  globals?: Record<string, string>;
  /** Message raised where code reads a removed os function; `%s` stands for its name. */
  os?: string;
}

export interface EvalOptions {
  /** Name for errors and the source map. Default "unknown". */
  filename?: string;
  /**
   * Print the chunk's return values on the VM's stdout, tab-separated:
   * `values` as Lua's print shows them (the reference's -e), `view` through
   * fennel.view (its REPL).
   */
  print?: "values" | "view";
  /**
   * Stop the run after this many milliseconds, even in a busy loop or while
   * waiting on a host function; it rejects with a LuaRuntimeError whose
   * `timedOut` is true.
   */
  timeoutMs?: number;
  /**
   * What compileString made of this same source under the same filename, run
   * instead of compiling again (its globals were checked when it was made).
   */
  compiled?: CompileResult;
}
