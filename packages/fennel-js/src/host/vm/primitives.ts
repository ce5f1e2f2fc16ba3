// The host primitives the fennel module and prelude build on: output,
// awaited-call results, compiling (text or AST, with the program's options),
// reading text into forms, files and module search along a path, Fennel
// line numbers for chunks compiled here, and the macro helpers' view of the
// compile in progress (gensym, in-scope?, macroexpand, get-scope).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ExprKind, Opts } from "../../compiler/expr.js";
import { SPECIAL_DOCS } from "../../docs.js";
import { FennelError, formatFennelErrorInline } from "../../errors.js";
import { builtinMacros } from "../../macros/index.js";
import { NO_POS, type Form } from "../../reader/forms.js";
import { readAll, readFirst } from "../../reader/reader.js";
import { specials } from "../../specials/index.js";
import { compileInVM, compileOneInVM, readCompileRequest, type VMCompileRequest } from "../compile-time/compile-in-vm.js";
import { pushForm, readForm } from "../compile-time/lua-forms.js";
import type { RawHostFunction } from "../engine.js";
import { errorText } from "../host-calls.js";
import { LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LUA_TTHREAD, loadBytes, pushString, readBytes, readString, type RawLua } from "../lua-stack.js";
import { searchPath } from "../modules.js";
import { decodeSource } from "../source-text.js";
import type { VMState } from "./state.js";

/** Push the primitives table handed to the fennel module and prelude onto `L`. */
export function pushPrimitives(vm: VMState, L: number): void {
  const m = vm.m;
  const lua = vm.global.lua;
  const prims: Record<string, RawHostFunction> = {
    out: (L2) => {
      vm.output.write(readBytes(m, L2, 1));
      return 0;
    },
    collect: (L2) => vm.calls.collect(L2, m._lua_tonumberx(L2, 1, 0)),
    memory_exceeded: (L2) => {
      m._lua_pushboolean(L2, vm.memory.exceeded ? 1 : 0);
      return 1;
    },
    memory_in: (L2) => {
      if (m._lua_type(L2, 1) === LUA_TTHREAD) vm.memory.stoppedIn(lua.lua_tothread(L2, 1));
      return 0;
    },
    cancel: (L2) => {
      vm.calls.cancel(m._lua_tonumberx(L2, 1, 0));
      return 0;
    },
    compile: (L2) => compilePrimitive(vm, L2),
    compile1: (L2) => compile1Primitive(vm, L2),
    parse: (L2) => {
      const src = readString(m, L2, 1);
      const file = optString(m, L2, 2) ?? "unknown";
      let forms: Form[] = [];
      let err: string | undefined;
      let failure: FennelError | undefined;
      const warnings: Array<[string, number, number]> = [];
      try {
        const keepComments = lua.lua_getfield(L2, 3, "comments") !== LUA_TNIL && m._lua_toboolean(L2, -1) !== 0;
        m._lua_settop(L2, -2);
        forms = readAll(src, file, (message, line, col) => warnings.push([message, line, col]), keepComments);
      } catch (e) {
        err = inlineErrorText(e, {});
        if (e instanceof FennelError) failure = e;
      }
      // {form…, n = count, err = text, reason, line, col, warnings = {{message, line, col}…}}
      lua.lua_createtable(L2, forms.length, 6);
      forms.forEach((f, i) => {
        pushForm(vm, L2, f, vm.formTypes);
        lua.lua_rawseti(L2, -2, BigInt(i + 1));
      });
      lua.lua_pushinteger(L2, BigInt(forms.length));
      lua.lua_setfield(L2, -2, "n");
      if (err !== undefined) {
        pushString(m, L2, err);
        lua.lua_setfield(L2, -2, "err");
      }
      if (failure !== undefined) {
        pushString(m, L2, failure.reason);
        lua.lua_setfield(L2, -2, "reason");
        lua.lua_pushinteger(L2, BigInt(failure.line));
        lua.lua_setfield(L2, -2, "line");
        lua.lua_pushinteger(L2, BigInt(failure.col));
        lua.lua_setfield(L2, -2, "col");
      }
      if (warnings.length > 0) {
        lua.lua_createtable(L2, warnings.length, 0);
        warnings.forEach(([message, line, col], i) => {
          lua.lua_createtable(L2, 3, 0);
          pushString(m, L2, message);
          lua.lua_rawseti(L2, -2, 1n);
          lua.lua_pushinteger(L2, BigInt(line));
          lua.lua_rawseti(L2, -2, 2n);
          lua.lua_pushinteger(L2, BigInt(col));
          lua.lua_rawseti(L2, -2, 3n);
          lua.lua_rawseti(L2, -2, BigInt(i + 1));
        });
        lua.lua_setfield(L2, -2, "warnings");
      }
      return 1;
    },
    // read_form(text, file): "ok", form, end (the byte just past it) | "eof" | "incomplete" | "error", message.
    read_form: (L2) => {
      const src = readString(m, L2, 1);
      const file = optString(m, L2, 2) ?? "unknown";
      try {
        const r = readFirst(src, file);
        if (r === undefined) {
          pushString(m, L2, "eof");
          return 1;
        }
        pushString(m, L2, "ok");
        pushForm(vm, L2, r.form, vm.formTypes);
        lua.lua_pushinteger(L2, BigInt(Buffer.byteLength(src.slice(0, r.end), "utf8")));
        return 3;
      } catch (e) {
        if (e instanceof FennelError && endsEarly(e)) {
          pushString(m, L2, "incomplete");
          return 1;
        }
        pushString(m, L2, "error");
        pushString(m, L2, inlineErrorText(e, {}));
        return 2;
      }
    },
    read_file: (L2) => {
      const file = readString(m, L2, 1);
      if (vm.fileAccess !== undefined) {
        const text = vm.fileAccess(file);
        if (text === undefined) return pushFail(m, L2, `${file}: No such file or directory`);
        pushString(m, L2, text);
        return 1;
      }
      try {
        pushString(m, L2, decodeSource(readFileSync(path.resolve(vm.root, file))).text);
        return 1;
      } catch (e) {
        return pushFail(m, L2, `${file}: ${describeFsError(e)}`);
      }
    },
    find_fennel: (L2) => find(vm, L2),
    map_positions: (L2) => {
      pushString(m, L2, vm.chunks.rewrite(readString(m, L2, 1)).text);
      return 1;
    },
    fennel_source: (L2) => {
      m._lua_pushboolean(L2, vm.chunks.hasSource(readString(m, L2, 1)) ? 1 : 0);
      return 1;
    },
    fennel_line: (L2) => {
      lua.lua_pushinteger(L2, BigInt(vm.chunks.lineOfSource(readString(m, L2, 1), m._lua_tonumberx(L2, 2, 0))));
      return 1;
    },
    syntax_names: (L2) => {
      lua.lua_createtable(L2, 0, 3);
      pushStrings(vm, L2, [...specials.keys()]);
      lua.lua_setfield(L2, -2, "specials");
      pushStrings(vm, L2, [...builtinMacros.keys()]);
      lua.lua_setfield(L2, -2, "macros");
      lua.lua_createtable(L2, 0, 0);
      for (const [name, doc] of Object.entries(SPECIAL_DOCS)) {
        if (!doc.body) continue;
        m._lua_pushboolean(L2, 1);
        lua.lua_setfield(L2, -2, name);
      }
      lua.lua_setfield(L2, -2, "bodies");
      return 1;
    },
    gensym: (L2) => {
      pushString(m, L2, freshName(vm, optString(m, L2, 1) ?? ""));
      return 1;
    },
    ct_active: (L2) => {
      const frame = vm.compileStack[vm.compileStack.length - 1];
      m._lua_pushboolean(L2, frame?.scope !== undefined ? 1 : 0);
      return 1;
    },
    ct_in_scope: (L2) => {
      const frame = vm.compileStack[vm.compileStack.length - 1];
      const local = frame?.scope?.lookup(readString(m, L2, 1));
      if (local === undefined) m._lua_pushnil(L2);
      else pushString(m, L2, local.lua);
      return 1;
    },
    ct_macroexpand: (L2) => {
      const frame = vm.compileStack[vm.compileStack.length - 1];
      if (frame?.scope === undefined) throw new Error("must call from macro");
      const form = readForm(vm, L2, 1, NO_POS, vm.formTypes);
      pushForm(vm, L2, frame.compiler.macroexpandAll(form, frame.scope), vm.formTypes);
      return 1;
    },
    ct_get_scope: (L2) => {
      const frame = vm.compileStack[vm.compileStack.length - 1];
      lua.lua_createtable(L2, 0, 2);
      lua.lua_createtable(L2, 0, 0);
      for (let sc = frame?.scope; sc !== undefined; sc = sc.parent) {
        for (const [name, info] of sc.locals) {
          if (lua.lua_getfield(L2, -1, name) === 0) {
            pushString(m, L2, info.lua);
            lua.lua_setfield(L2, -3, name);
          }
          m._lua_settop(L2, -2);
        }
      }
      lua.lua_setfield(L2, -2, "manglings");
      return 1;
    },
  };
  if (vm.luaModules) {
    prims.find_lua = (L2) => find(vm, L2);
    prims.load_lua_file = (L2) => {
      const file = readString(m, L2, 1);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path.resolve(vm.root, file));
      } catch (e) {
        return pushFail(m, L2, `${file}: ${describeFsError(e)}`);
      }
      if (loadBytes(m, L2, bytes, `@${file}`) !== 0) return pushFail(m, L2, readString(m, L2, -1));
      return 1;
    };
  }
  lua.lua_createtable(L, 0, 24);
  for (const [name, fn] of Object.entries(prims)) {
    vm.raw.push(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}

/** The options table at 2, with include searching fennel.path (4) then package.path (5), as the program has them. */
function readRequest(vm: VMState, L: number): VMCompileRequest {
  const req = readCompileRequest(vm, L, 2);
  const fennelPath = optString(vm.m, L, 4);
  const luaPath = optString(vm.m, L, 5);
  if (fennelPath !== undefined) {
    (req.compilerOptions ??= {}).includePath = { fennel: fennelPath, lua: luaPath ?? "./?.lua;./?/init.lua" };
  }
  return req;
}

function releaseRequest(vm: VMState, req: VMCompileRequest): void {
  if (req.optsRef !== 0) vm.reg.unref(req.optsRef);
  if (req.scopeRef !== undefined) vm.reg.unref(req.scopeRef);
}

/**
 * host.compile(input, opts, kind): the Lua text (no final newline, as the
 * reference gives it), or nil and the error message. `kind` is "string" or
 * "ast" (a form, or a sequence of forms).
 */
function compilePrimitive(vm: VMState, L: number): number {
  const m = vm.m;
  const kind = optString(m, L, 3) ?? "string";
  const req = readRequest(vm, L);
  try {
    let source: string | Form[];
    if (kind === "ast") source = [readForm(vm, L, 1, { ...NO_POS, file: req.filename }, vm.formTypes)];
    else source = readString(m, L, 1);
    const result = compileInVM(vm, L, source, req);
    if (req.filename !== "unknown") vm.chunks.register(req.filename, result.sourceMap);
    pushString(m, L, result.lua.replace(/\n$/, ""));
    return 1;
  } catch (e) {
    return pushFail(m, L, inlineErrorText(e, req));
  } finally {
    releaseRequest(vm, req);
  }
}

/** Lua's names for the kinds of expression, as the reference's utils.expr has them. */
const EXPR_TYPES: Record<ExprKind, string> = { lit: "literal", sym: "sym", table: "expression", expr: "expression", call: "statement", varg: "vargs" };

/**
 * host.compile1(ast, opts, position): compile one form where position
 * ({nval, tail, target}) says. Returns the Lua statements it needs first
 * (text, "" for none) and its expressions as {code, type} pairs; or nil and
 * the error message.
 */
function compile1Primitive(vm: VMState, L: number): number {
  const m = vm.m;
  const lua = vm.global.lua;
  const position: Opts = {};
  if (m._lua_type(L, 3) === LUA_TTABLE) {
    if (lua.lua_getfield(L, 3, "nval") === LUA_TNUMBER) position.nval = m._lua_tonumberx(L, -1, 0);
    if (lua.lua_getfield(L, 3, "tail") !== LUA_TNIL && m._lua_toboolean(L, -1) !== 0) position.tail = true;
    if (lua.lua_getfield(L, 3, "target") === LUA_TSTRING) position.target = readString(m, L, -1);
    m._lua_settop(L, -4);
  }
  const req = readRequest(vm, L);
  try {
    const form = readForm(vm, L, 1, { ...NO_POS, file: req.filename }, vm.formTypes);
    const { result, exprs } = compileOneInVM(vm, L, form, req, position);
    pushString(m, L, result.lua.replace(/\n$/, ""));
    lua.lua_createtable(L, exprs.length, 0);
    exprs.forEach((e, i) => {
      pushStrings(vm, L, [e.code, EXPR_TYPES[e.kind]]);
      lua.lua_rawseti(L, -2, BigInt(i + 1));
    });
    return 2;
  } catch (e) {
    return pushFail(m, L, inlineErrorText(e, req));
  } finally {
    releaseRequest(vm, req);
  }
}

/** A name no compile in this VM has used: numbered by the innermost compile, else by the VM. */
function freshName(vm: VMState, base: string): string {
  const frame = vm.compileStack[vm.compileStack.length - 1];
  const n = frame ? frame.compiler.nextGensymId() : ++vm.gensymCount;
  return `${base}_${n}_`;
}

/** A parse error that only says the input stopped early: more input may complete it. */
function endsEarly(e: FennelError): boolean {
  return e.kind === "parse" && (e.reason.startsWith("expected closing delimiter") || e.reason.endsWith("at end of input"));
}

function pushStrings(vm: VMState, L: number, names: string[]): void {
  vm.global.lua.lua_createtable(L, names.length, 0);
  names.forEach((n, i) => {
    pushString(vm.m, L, n);
    vm.global.lua.lua_rawseti(L, -2, BigInt(i + 1));
  });
}

function find(vm: VMState, L: number): number {
  const m = vm.m;
  const r = searchPath(readString(m, L, 1), readString(m, L, 2), vm.root, vm.fileAccess);
  if ("hit" in r) {
    pushString(m, L, r.hit.shown);
    return 1;
  }
  return pushFail(m, L, r.tried);
}

function optString(m: RawLua, L: number, idx: number): string | undefined {
  return m._lua_type(L, idx) === LUA_TSTRING ? readString(m, L, idx) : undefined;
}

/** A compile error as a program sees it from fennel.eval, dofile or require. */
function inlineErrorText(e: unknown, req: Pick<VMCompileRequest, "pinpoint" | "unfriendly">): string {
  return e instanceof FennelError ? formatFennelErrorInline(e, req) : errorText(e);
}

function pushFail(m: RawLua, L: number, message: string): number {
  m._lua_pushnil(L);
  pushString(m, L, message);
  return 2;
}

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT":
      return "No such file or directory";
    case "EACCES":
      return "Permission denied";
    case "EISDIR":
      return "Is a directory";
    case "ENOTDIR":
      return "Not a directory";
    case "EEXIST":
      return "File exists";
    case "ENOTEMPTY":
      return "Directory not empty";
    default:
      return errorText(e);
  }
}
