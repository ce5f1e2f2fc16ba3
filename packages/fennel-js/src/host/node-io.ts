// The host side of the cli profile's io and os: primitives on real file
// descriptors, the environment and the process, installed under the Lua
// layer in lua/io-layer.ts. The pipeline profile never gets these.
import { closeSync, mkdtempSync, openSync, renameSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LuaThread } from "wasmoon";
import { rawLua, type RawFunctions, type RawHostFunction } from "./engine.js";
import { LUA_TNONE, LUA_TNIL, LUA_TNUMBER, pushBytes, pushString, readBytes, readString } from "./lua-stack.js";
import { IO_LAYER_LUA } from "./lua/io-layer.js";
import { FdSink, NodeFile, openFile, type OutputSink } from "./node-files.js";
import { runShell } from "./shell.js";

export { FdSink, type OutputSink };

const ERRNO: Record<string, [number, string]> = {
  ENOENT: [2, "No such file or directory"],
  EACCES: [13, "Permission denied"],
  EEXIST: [17, "File exists"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  EINVAL: [22, "Invalid argument"],
  ENOTEMPTY: [39, "Directory not empty"],
  EBUSY: [16, "Device or resource busy"],
  EXDEV: [18, "Invalid cross-device link"],
  ESPIPE: [29, "Illegal seek"],
};

function errnoOf(e: unknown): [number, string] {
  const code = (e as { code?: string }).code;
  if (code && ERRNO[code]) return ERRNO[code];
  const errno = (e as { errno?: number }).errno;
  return [typeof errno === "number" ? Math.abs(errno) : 5, e instanceof Error ? e.message : String(e)];
}

/** Install Node-backed `io` and `os` into the VM whose main thread is `global`. */
export function installNodeIo(
  global: LuaThread,
  raw: RawFunctions,
  stdoutSink: OutputSink,
  load: (L: number, src: string, name: string) => void,
  call: (L: number, nargs: number, nresults: number) => void,
): void {
  const m = rawLua(global);
  const lua = global.lua;
  const stderrSink: OutputSink = {
    write: (bytes) => {
      stdoutSink.flush();
      errSink.write(bytes);
      errSink.flush();
    },
    flush: () => errSink.flush(),
  };
  const errSink = new FdSink(2);
  const files = new Map<number, NodeFile>([
    [0, new NodeFile(0, { read: true, write: false, append: false }, { stream: true })],
    [1, new NodeFile(1, { read: false, write: true, append: false }, { stream: true, sink: stdoutSink })],
    [2, new NodeFile(2, { read: false, write: true, append: false }, { stream: true, sink: stderrSink })],
  ]);
  let nextId = 3;
  const fail = (L: number, e: unknown, prefix?: string): number => {
    const [errno, text] = errnoOf(e);
    m._lua_pushnil(L);
    pushString(m, L, prefix === undefined ? text : `${prefix}: ${text}`);
    (m as unknown as { _lua_pushinteger(L: number, n: bigint): void })._lua_pushinteger(L, BigInt(errno));
    return 3;
  };
  const pushInt = (L: number, n: number): void =>
    (m as unknown as { _lua_pushinteger(L: number, n: bigint): void })._lua_pushinteger(L, BigInt(n));
  const file = (L: number): NodeFile => {
    const f = files.get(m._lua_tonumberx(L, 1, 0));
    if (!f || f.closed) throw new Error("attempt to use a closed file");
    return f;
  };
  const adopt = (L: number, f: NodeFile): number => {
    const id = nextId++;
    files.set(id, f);
    pushInt(L, id);
    return 1;
  };

  const prims: Record<string, RawHostFunction> = {
    // A blank userdata with the metatable given: a file handle is a userdata, as in Lua's own io.
    newhandle: (L) => {
      lua.lua_newuserdatauv(L, 0, 0);
      m._lua_pushvalue(L, 1);
      lua.lua_setmetatable(L, -2);
      return 1;
    },
    fopen: (L) => {
      const name = readString(m, L, 1);
      try {
        return adopt(L, openFile(name, readString(m, L, 2)));
      } catch (e) {
        return fail(L, e, name);
      }
    },
    fread: (L) => {
      const f = file(L);
      if (f.fd === 0) stdoutSink.flush();
      let out: Uint8Array | undefined;
      if (m._lua_type(L, 2) === LUA_TNUMBER) out = f.readCount(m._lua_tonumberx(L, 2, 0));
      else {
        const fmt = readString(m, L, 2);
        if (fmt === "l") out = f.readLine(false);
        else if (fmt === "L") out = f.readLine(true);
        else if (fmt === "a") out = f.readAll();
        else {
          pushString(m, L, f.readNumeral());
          return 1;
        }
      }
      if (out === undefined) m._lua_pushnil(L);
      else pushBytes(m, L, out);
      return 1;
    },
    fwrite: (L) => {
      try {
        file(L).write(readBytes(m, L, 2));
        m._lua_pushboolean(L, 1);
        return 1;
      } catch (e) {
        return fail(L, e);
      }
    },
    fseek: (L) => {
      try {
        pushInt(L, file(L).seek(readString(m, L, 2), m._lua_tonumberx(L, 3, 0)));
        return 1;
      } catch (e) {
        return fail(L, e);
      }
    },
    fflush: (L) => {
      file(L).flush();
      return 0;
    },
    fclose: (L) => {
      const id = m._lua_tonumberx(L, 1, 0);
      const f = files.get(id);
      files.delete(id);
      if (!f) return 0;
      // A popen'ed writer runs its command now; what was printed comes first.
      stdoutSink.flush();
      try {
        f.close();
      } catch (e) {
        return fail(L, e);
      }
      if (f.exit) return pushExit(L, f.exit);
      m._lua_pushboolean(L, 1);
      return 1;
    },
    popen: (L) => {
      const cmd = readString(m, L, 1);
      stdoutSink.flush();
      if (readString(m, L, 2) === "w") {
        return adopt(L, new NodeFile(-1, { read: false, write: true, append: false }, { command: cmd }));
      }
      const r = runShell(cmd, { stdio: ["inherit", "pipe", "inherit"], maxBuffer: 1 << 30 });
      const exit = { code: r.status ?? 0, signal: r.signal };
      const output = r.stdout ?? Buffer.alloc(0);
      return adopt(L, new NodeFile(-1, { read: true, write: false, append: false }, { preload: output, exit }));
    },
    tmpfile: (L) => {
      try {
        const dir = mkdtempSync(path.join(os.tmpdir(), "lua_"));
        const p = path.join(dir, "tmp");
        const f = openFile(p, "w+");
        unlinkSync(p);
        rmdirSync(dir);
        return adopt(L, f);
      } catch (e) {
        return fail(L, e);
      }
    },
    getenv: (L) => {
      const v = process.env[readString(m, L, 1)];
      if (v === undefined) m._lua_pushnil(L);
      else pushString(m, L, v);
      return 1;
    },
    exit: (L) => {
      const code = m._lua_tonumberx(L, 1, 0);
      stdoutSink.flush();
      errSink.flush();
      process.exit(code);
    },
    remove: (L) => {
      const name = readString(m, L, 1);
      try {
        if (statSync(name).isDirectory()) rmdirSync(name);
        else unlinkSync(name);
        m._lua_pushboolean(L, 1);
        return 1;
      } catch (e) {
        return fail(L, e, name);
      }
    },
    rename: (L) => {
      const from = readString(m, L, 1);
      try {
        renameSync(from, readString(m, L, 2));
        m._lua_pushboolean(L, 1);
        return 1;
      } catch (e) {
        return fail(L, e, from);
      }
    },
    tmpname: (L) => {
      const dir = os.tmpdir();
      for (;;) {
        const p = path.join(dir, `lua_${Math.random().toString(36).slice(2, 8)}`);
        try {
          closeSync(openSync(p, "wx", 0o600));
          pushString(m, L, p);
          return 1;
        } catch (e) {
          if ((e as { code?: string }).code !== "EEXIST") throw e;
        }
      }
    },
    execute: (L) => {
      const t = m._lua_type(L, 1);
      if (t === LUA_TNONE || t === LUA_TNIL) {
        m._lua_pushboolean(L, 1);
        return 1;
      }
      stdoutSink.flush();
      const r = runShell(readString(m, L, 1), { stdio: "inherit" });
      return pushExit(L, { code: r.status ?? 0, signal: r.signal });
    },
  };
  const signals = os.constants.signals as Record<string, number>;
  function pushExit(L: number, exit: { code: number; signal: string | null }): number {
    if (exit.signal) {
      m._lua_pushnil(L);
      pushString(m, L, "signal");
      pushInt(L, signals[exit.signal] ?? 0);
      return 3;
    }
    if (exit.code === 0) m._lua_pushboolean(L, 1);
    else m._lua_pushnil(L);
    pushString(m, L, "exit");
    pushInt(L, exit.code);
    return 3;
  }

  const L = global.address;
  load(L, IO_LAYER_LUA, "=fennel-js.io");
  lua.lua_createtable(L, 0, 16);
  for (const [name, fn] of Object.entries(prims)) {
    raw.push(L, (L2, argc) => {
      try {
        return fn(L2, argc);
      } catch (e) {
        if (e === Infinity) throw e;
        m._lua_pushnil(L2);
        pushString(m, L2, e instanceof Error ? e.message : String(e));
        return 2;
      }
    });
    lua.lua_setfield(L, -2, name);
  }
  call(L, 1, 0);
}
