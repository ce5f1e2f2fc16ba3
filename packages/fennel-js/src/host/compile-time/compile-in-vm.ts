// Compiling inside a VM: the compiler runs with this VM's Lua state as its
// compile-time VM (macros see the program's own Lua), and the options come
// from the Lua table a program passed (fennel.compile-string, eval, dofile).
import type { CompileContext } from "../../compiler/compile-time.js";
import { compileForms, compileSource } from "../../compiler/index.js";
import type { Form } from "../../reader/forms.js";
import type { CompileOptions, CompileResult } from "../../types.js";
import { LUA_TBOOLEAN, LUA_TNIL, LUA_TSTRING, LUA_TTABLE, readString } from "../lua-stack.js";
import type { VMState } from "../vm/state.js";
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
  /** allowedGlobals names every allowed global (else Lua's standard globals are added). */
  exactGlobals?: boolean;
  /** Friendly error text: `false` plain, or the two strings around the form. */
  pinpoint?: [string, string] | false;
  unfriendly?: boolean;
}

/** Compile `source` (text, or forms already read) with this VM as the compile-time VM. */
export function compileInVM(s: VMState, L: number, source: string | Form[], req: VMCompileRequest): CompileResult {
  let session: VMCompileTime | undefined;
  const context: CompileContext = {
    compileTime: (compiler) => (session = new VMCompileTime(s, L, req.optsRef, compiler)),
    compileTimeCode: req.compileTime === true,
    exactGlobals: req.exactGlobals === true,
  };
  const options: CompileOptions = {
    filename: req.filename,
    allowedGlobals: req.allowedGlobals,
    ...(req.correlate ? { correlate: true } : {}),
  };
  try {
    return typeof source === "string" ? compileSource(source, options, context) : compileForms(source, "", options, context);
  } finally {
    session?.release();
  }
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
  s.m._lua_pushvalue(L, idx);
  const optsRef = s.reg.ref(L);
  return {
    filename: stringField(s, L, idx, "filename") ?? "unknown",
    allowedGlobals,
    correlate: truthy(s, L, idx, "correlate"),
    compileTime: truthy(s, L, idx, "compile-time"),
    optsRef,
    exactGlobals: true,
    ...(pinpoint !== undefined ? { pinpoint } : {}),
    unfriendly: truthy(s, L, idx, "unfriendly"),
  };
}
