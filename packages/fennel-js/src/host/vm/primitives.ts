// The host primitives the prelude builds on: output, awaited-call results,
// compiling and loading Fennel (strings, files, modules found along a path),
// and loading .lua modules where the VM allows them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { compileString } from "../../compiler/index.js";
import { formToLua } from "../../compiler/user-macros.js";
import { List, Nil, Sequence, Sym, Table, type Form } from "../../reader/forms.js";
import { readAll } from "../../reader/reader.js";
import { FennelError, formatFennelErrorInline } from "../../errors.js";
import type { RawHostFunction } from "../engine.js";
import { errorText } from "../host-calls.js";
import { LUA_TSTRING, loadBytes, pushString, readBytes, readString, type RawLua } from "../lua-stack.js";
import { searchPath } from "../modules.js";
import { decodeSource, encodeLua, type SourceText } from "../source-text.js";
import { compileInVM } from "./eval.js";
import type { VMState } from "./state.js";

/** Push the primitives table handed to the prelude onto `L`. */
export function pushPrimitives(vm: VMState, L: number, viewRef: number): void {
  const m = vm.m;
  const lua = vm.global.lua;
  const prims: Record<string, RawHostFunction> = {
    out: (L2) => {
      vm.output.write(readBytes(m, L2, 1));
      return 0;
    },
    collect: (L2) => vm.calls.collect(L2, m._lua_tonumberx(L2, 1, 0)),
    cancel: (L2) => {
      vm.calls.cancel(m._lua_tonumberx(L2, 1, 0));
      return 0;
    },
    compile: (L2) => {
      const src = readString(m, L2, 1);
      const file = optString(m, L2, 2) ?? "unknown";
      try {
        // Like the reference's compile-string: no global checks unless asked for.
        pushString(m, L2, compileString(src, { filename: file, allowedGlobals: false }).lua);
        return 1;
      } catch (e) {
        return pushFail(m, L2, inlineErrorText(e));
      }
    },
    parse: (L2) => {
      const src = readString(m, L2, 1);
      const file = optString(m, L2, 2) ?? "unknown";
      try {
        // Lua code that builds the forms from the constructors it is given.
        const forms = readAll(src, file).map((f) => formToLua(nilAsSymbol(f)));
        pushString(m, L2, `return function(__fnl) return {n = ${forms.length}, ${forms.join(", ")}} end`);
        return 1;
      } catch (e) {
        return pushFail(m, L2, inlineErrorText(e));
      }
    },
    load_fennel_string: (L2) => {
      const src = readString(m, L2, 1);
      const file = optString(m, L2, 2) ?? "unknown";
      return loadFennel(vm, L2, { text: src, encoding: "utf8" }, file);
    },
    load_fennel_file: (L2) => {
      const file = readString(m, L2, 1);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path.resolve(vm.root, file));
      } catch (e) {
        return pushFail(m, L2, `${file}: ${describeFsError(e)}`);
      }
      return loadFennel(vm, L2, decodeSource(bytes), file);
    },
    find_fennel: (L2) => find(vm, L2),
    map_positions: (L2) => {
      pushString(m, L2, vm.chunks.rewrite(readString(m, L2, 1)).text);
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
  lua.lua_createtable(L, 0, 12);
  for (const [name, fn] of Object.entries(prims)) {
    vm.raw.push(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  vm.reg.push(L, viewRef);
  lua.lua_setfield(L, -2, "view");
}

function find(vm: VMState, L: number): number {
  const m = vm.m;
  const r = searchPath(readString(m, L, 1), readString(m, L, 2), vm.root);
  if ("hit" in r) {
    pushString(m, L, r.hit.shown);
    return 1;
  }
  return pushFail(m, L, r.tried);
}

function loadFennel(vm: VMState, L: number, source: SourceText, file: string): number {
  const m = vm.m;
  let lua: string;
  try {
    lua = compileInVM(vm, L, source.text, file, vm.allowed).lua;
  } catch (e) {
    return pushFail(m, L, inlineErrorText(e));
  }
  if (loadBytes(m, L, encodeLua(lua, source.encoding), `@${file}`) !== 0) {
    return pushFail(m, L, `${file}: compiled Lua did not load (a fennel-js bug): ${readString(m, L, -1)}`);
  }
  return 1;
}

function optString(m: RawLua, L: number, idx: number): string | undefined {
  return m._lua_type(L, idx) === LUA_TSTRING ? readString(m, L, idx) : undefined;
}

/** The reference's parser reads `nil` as a symbol; only the compiler treats it as nil. */
function nilAsSymbol(f: Form): Form {
  if (f instanceof Nil) return new Sym("nil", f.pos);
  if (f instanceof List) return new List(f.items.map(nilAsSymbol), f.pos);
  if (f instanceof Sequence) return new Sequence(f.items.map(nilAsSymbol), f.pos);
  if (f instanceof Table) return new Table(f.entries.map(([k, v]) => [nilAsSymbol(k), nilAsSymbol(v)] as [Form, Form]), f.pos);
  return f;
}

/** A compile error as a program sees it from fennel.eval, dofile or require. */
function inlineErrorText(e: unknown): string {
  return e instanceof FennelError ? formatFennelErrorInline(e) : errorText(e);
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
