// Public option and result types of the compiler API, shared by the compiler,
// the host and the CLI.

export interface CompileOptions {
  /** Name used in error messages and the source map. Default "unknown". */
  filename?: string;
  /**
   * Globals allowed besides Lua 5.4's standard globals and `arg`
   * (e.g. `["runtime"]` for pipelines). `false` disables strict global
   * checking altogether.
   */
  allowedGlobals?: string[] | false;
  /** Search path for macro modules (import-macros/require-macros). */
  macroPath?: string;
  /** Reads a file for include/import-macros; default reads from disk. */
  readFile?: (path: string) => string | undefined;
  /**
   * Put each Lua line on the line of the Fennel it came from, where it can, so
   * Lua's own line numbers (in errors caught by pcall, in debug.getinfo) are
   * Fennel's.
   */
  correlate?: boolean;
  /** Compile bit operators to calls of the `bit` library (LuaJIT) instead of Lua 5.3 operators. */
  useBitLib?: boolean;
  /** Names to treat as reserved Lua keywords (locals named so are mangled). */
  keywords?: string[];
  /**
   * Store each function's docstring and arglist in fennel.metadata when it is
   * made; a string is the Lua expression of the metadata table to store them in.
   */
  useMetadata?: boolean | string;
  /** Compile `lambda` as `fn`: no argument checks. */
  lambdaAsFn?: boolean;
  /** Compile `assert` as `assert-repl`. */
  assertAsRepl?: boolean;
  /** Compile `with-open` with Lua 5.4 to-be-closed locals. */
  toBeClosed?: boolean;
  /** Compile `(require :mod)` of a module found at compile time as `(include :mod)`. */
  requireAsInclude?: boolean;
  /** The name this code is loaded as (require's module name): `...` of module-name expressions at compile time. */
  currentModule?: string;
  /** The name the fennel module is required by in emitted code (metadata); default "fennel". */
  fennelModuleName?: string;
  /**
   * Where include (and requireAsInclude) look for modules: `;`-separated
   * templates with `?` for the module's path, Fennel files first. Default
   * `./?.fnl;./?/init.fnl` and `./?.lua;./?/init.lua`.
   */
  includePath?: { fennel: string; lua: string };
  /** false: a global whose name is no Lua identifier compiles to `_G["name"]`, not a mangled name. */
  globalMangle?: boolean;
  /** Modules requireAsInclude leaves to `require`. */
  skipInclude?: string[];
  /**
   * Stop compile-time code (macros, eval-compiler) that runs longer than
   * this, in milliseconds, with a compile error at the form that ran it.
   */
  compileTimeoutMs?: number;
}

/** Maps each emitted Lua line (1-based index) to the Fennel line it came from. */
export interface SourceMap {
  file: string;
  /** `lines[luaLine] = fennelLine`; index 0 unused; undefined when unknown. */
  lines: Array<number | undefined>;
}

export interface CompileResult {
  lua: string;
  sourceMap: SourceMap;
}
