// Compiling inside a VM: the compiler runs with this VM's Lua state as its
// compile-time VM (macros see the program's own Lua), and the options come
// from the Lua table a program passed (fennel.compile-string, eval, dofile).
import type { CompileContext, CompilerSide } from "../../compiler/compile-time.js";
import { compileForms, compileOne, compileSource, type Expr, type Opts } from "../../compiler/index.js";
import type { Form } from "../../reader/forms.js";
import type { CompileOptions, CompileResult } from "../../types.js";
import { LUA_TBOOLEAN, LUA_TNIL, LUA_TSTRING, LUA_TTABLE, pushString, readString } from "../lua-stack.js";
import type { VMState } from "../vm/state.js";
import { LuaForeignScope } from "./foreign-scope.js";
import { VMCompileTime } from "./session.js";

/** A compile inside a VM, as the options table (or the host) asks for it. */
export interface VMCompileRequest {
  filename: string;
  /** false: no strict global checks. */
  allowedGlobals: string[] | false;
  /** Lay the Lua out on the Fennel lines (code that is loaded right away). */
  correlate?: boolean;
  /** Code that runs in the compiler environment (a macro module, env _COMPILER). */
  compileTime?: boolean;
  /** Registry ref of the options table compiler environments read; 0 for none. */
  optsRef: number;
  /** Registry ref of the scope table (the scope option) the compile continues. */
  scopeRef?: number;
  /** allowedGlobals names every allowed global (else Lua's standard globals are added). */
  exactGlobals?: boolean;
  /** Options of the compiler itself (useBitLib, keywords, useMetadata…). */
  compilerOptions?: Pick<
    CompileOptions,
    | "useBitLib"
    | "keywords"
    | "useMetadata"
    | "lambdaAsFn"
    | "assertAsRepl"
    | "toBeClosed"
    | "requireAsInclude"
    | "skipInclude"
    | "currentModule"
    | "fennelModuleName"
    | "includePath"
    | "globalMangle"
  >;
  /** The text forms given as an AST were read from (the source option), for error messages. */
  source?: string;
  /** Friendly error text: `false` plain, or the two strings around the form. */
  pinpoint?: [string, string] | false;
  unfriendly?: boolean;
  /** The options name plugins, whose hooks the compile calls. */
  plugins?: boolean;
  /** The scope table says `vararg = false`: no `...` where the compile continues. */
  noVararg?: boolean;
}

/** Compile `source` (text, or forms already read) with this VM as the compile-time VM. */
export function compileInVM(s: VMState, L: number, source: string | Form[], req: VMCompileRequest): CompileResult {
  return withVMCompile(s, L, req, (options, context) =>
    typeof source === "string" ? compileSource(source, options, context) : compileForms(source, req.source ?? "", options, context),
  );
}

/** Compile one form where `position` says (fennel.compile1): its statements as a chunk, and its expressions. */
export function compileOneInVM(s: VMState, L: number, form: Form, req: VMCompileRequest, position: Opts): { result: CompileResult; exprs: Expr[] } {
  // Its temporaries go into the caller's chunk beside other compiles': number them by the
  // compile in progress (compile-time code compiling into its chunk), else by the VM.
  const outer = s.compileStack[s.compileStack.length - 1]?.compiler;
  const nextGensymId = outer !== undefined ? () => outer.nextGensymId() : () => ++s.gensymCount;
  return withVMCompile(s, L, req, (options, context) => compileOne(form, req.source ?? "", options, { ...context, nextGensymId }, position));
}

function withVMCompile<T>(s: VMState, L: number, req: VMCompileRequest, compile: (options: CompileOptions, context: CompileContext) => T): T {
  let session: VMCompileTime | undefined;
  const sessionFor = (compiler: CompilerSide): VMCompileTime => (session ??= new VMCompileTime(s, L, req.optsRef, compiler));
  const scopeRef = req.scopeRef;
  const context: CompileContext = {
    compileTime: sessionFor,
    ...(req.optsRef !== 0 ? { onGlobal: (name) => appendAllowedGlobal(s, L, req.optsRef, name) } : {}),
    ...(scopeRef !== undefined ? { foreignScope: (compiler) => new LuaForeignScope(s, L, scopeRef, () => sessionFor(compiler).holdTop()) } : {}),
    compileTimeCode: req.compileTime === true,
    ...(req.plugins ? { plugins: true } : {}),
    ...(req.noVararg ? { noVararg: true } : {}),
    exactGlobals: req.exactGlobals === true,
  };
  const options: CompileOptions = {
    ...req.compilerOptions,
    filename: req.filename,
    allowedGlobals: req.allowedGlobals,
    ...(req.correlate ? { correlate: true } : {}),
  };
  try {
    return compile(options, context);
  } finally {
    session?.release();
  }
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

/** Add `name` to the allowedGlobals list of the options table, when it has one. */
function appendAllowedGlobal(s: VMState, L: number, optsRef: number, name: string): void {
  s.reg.push(L, optsRef);
  if (s.global.lua.lua_getfield(L, -1, "allowedGlobals") === LUA_TTABLE) {
    pushString(s.m, L, name);
    s.global.lua.lua_rawseti(L, -2, BigInt(Number(s.m._lua_rawlen(L, -2)) + 1));
  }
  s.m._lua_settop(L, -3);
}

function field(s: VMState, L: number, idx: number, name: string): number {
  return s.global.lua.lua_getfield(L, idx, name);
}

function truthy(s: VMState, L: number, idx: number, name: string): boolean {
  field(s, L, idx, name);
  const v = s.m._lua_toboolean(L, -1) !== 0;
  s.m._lua_settop(L, -2);
  return v;
}

function stringField(s: VMState, L: number, idx: number, name: string): string | undefined {
  const t = field(s, L, idx, name);
  const v = t === LUA_TSTRING ? readString(s.m, L, -1) : undefined;
  s.m._lua_settop(L, -2);
  return v;
}

/** The strings of the sequence at the top of the stack. */
function strings(s: VMState, L: number): string[] {
  const out: string[] = [];
  const n = s.m._lua_rawlen(L, -1);
  for (let i = 1; i <= n; i++) {
    if (s.global.lua.lua_rawgeti(L, -1, BigInt(i)) === LUA_TSTRING) out.push(readString(s.m, L, -1));
    s.m._lua_settop(L, -2);
  }
  return out;
}

/** The string keys with a true value of the table at the top of the stack. */
function keys(s: VMState, L: number): string[] {
  const out: string[] = [];
  s.m._lua_pushnil(L);
  while (s.m._lua_next(L, -2) !== 0) {
    if (s.m._lua_type(L, -2) === LUA_TSTRING && s.m._lua_toboolean(L, -1) !== 0) out.push(readString(s.m, L, -2));
    s.m._lua_settop(L, -2);
  }
  return out;
}

/** Read a program's options table at `idx` into a request (the table is kept by ref). */
export function readCompileRequest(s: VMState, L: number, idx: number): VMCompileRequest {
  idx = s.m._lua_absindex(L, idx);
  if (s.m._lua_type(L, idx) !== LUA_TTABLE) return { filename: "unknown", allowedGlobals: false, optsRef: 0 };
  let allowedGlobals: string[] | false = false;
  const t = field(s, L, idx, "allowedGlobals");
  if (t === LUA_TTABLE) allowedGlobals = [...strings(s, L), ...(s.allowed === false ? [] : s.allowed)];
  s.m._lua_settop(L, -2);
  let pinpoint: [string, string] | false | undefined;
  const p = field(s, L, idx, "error-pinpoint");
  if (p === LUA_TTABLE) {
    const [open, close] = strings(s, L);
    pinpoint = [open ?? "", close ?? ""];
  } else if (p === LUA_TBOOLEAN && s.m._lua_toboolean(L, -1) === 0) pinpoint = false;
  s.m._lua_settop(L, -2);
  void LUA_TNIL;
  const compilerOptions: VMCompileRequest["compilerOptions"] = {};
  for (const flag of ["useBitLib", "useMetadata", "lambdaAsFn", "assertAsRepl", "toBeClosed", "requireAsInclude"] as const) {
    if (truthy(s, L, idx, flag)) compilerOptions[flag] = true;
  }
  if (field(s, L, idx, "global-mangle") === LUA_TBOOLEAN && s.m._lua_toboolean(L, -1) === 0) compilerOptions.globalMangle = false;
  s.m._lua_settop(L, -2);
  const metadataTable = stringField(s, L, idx, "useMetadata");
  if (metadataTable !== undefined) compilerOptions.useMetadata = metadataTable;
  if (field(s, L, idx, "skipInclude") === LUA_TTABLE) compilerOptions.skipInclude = strings(s, L);
  s.m._lua_settop(L, -2);
  if (field(s, L, idx, "keywords") === LUA_TTABLE) compilerOptions.keywords = keys(s, L);
  s.m._lua_settop(L, -2);
  const currentModule = stringField(s, L, idx, "module-name");
  if (currentModule !== undefined) compilerOptions.currentModule = currentModule;
  const fennelModuleName = stringField(s, L, idx, "moduleName");
  if (fennelModuleName !== undefined) compilerOptions.fennelModuleName = fennelModuleName;
  let scopeRef: number | undefined;
  // scope "_COMPILER": the code is compile-time code (quoting builds forms), as the compiler's own build compiles macros.
  let compilerScope = false;
  const scopeType = field(s, L, idx, "scope");
  let noVararg = false;
  if (scopeType === LUA_TTABLE) {
    noVararg = field(s, L, -1, "vararg") === LUA_TBOOLEAN && s.m._lua_toboolean(L, -1) === 0;
    s.m._lua_settop(L, -2);
    scopeRef = s.reg.ref(L);
  }
  else {
    compilerScope = scopeType === LUA_TSTRING && readString(s.m, L, -1) === "_COMPILER";
    s.m._lua_settop(L, -2);
  }
  const plugins = field(s, L, idx, "plugins") === LUA_TTABLE && Number(s.m._lua_rawlen(L, -1)) > 0;
  s.m._lua_settop(L, -2);
  s.m._lua_pushvalue(L, idx);
  const optsRef = s.reg.ref(L);
  return {
    filename: stringField(s, L, idx, "filename") ?? "unknown",
    ...optional("source", stringField(s, L, idx, "source")),
    allowedGlobals,
    correlate: truthy(s, L, idx, "correlate"),
    compileTime: compilerScope || truthy(s, L, idx, "compile-time"),
    optsRef,
    ...(scopeRef !== undefined ? { scopeRef } : {}),
    exactGlobals: true,
    compilerOptions,
    ...(pinpoint !== undefined ? { pinpoint } : {}),
    unfriendly: truthy(s, L, idx, "unfriendly"),
    ...(plugins ? { plugins } : {}),
    ...(noVararg ? { noVararg } : {}),
  };
}
