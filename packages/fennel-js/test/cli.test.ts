// The `fennel-js` binary as a user runs it: exit codes, stdout bytes, stderr
// naming file and line, `arg`, -e, --compile, and the Node-backed io/os.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILD_WAIT_MS, buildOnce, CLI_PATH, PACKAGE_DIR } from "./support/build.js";

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

type RunOptions = { cwd?: string; input?: string; env?: NodeJS.ProcessEnv };

function run(args: string[], opts: RunOptions = {}): Promise<Run> {
  return runWith(CLI_PATH, args, opts);
}

function runWith(cli: string, args: string[], opts: RunOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "buffer", timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, stdout, stderr: stderr.toString("utf8") });
      },
    );
    child.stdin?.end(opts.input ?? "");
  });
}

let dir: string;
function file(name: string, text: string | Buffer): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}

beforeAll(() => {
  buildOnce();
  dir = mkdtempSync(path.join(os.tmpdir(), "fennel-js-cli-"));
}, 2 * BUILD_WAIT_MS);

describe("fennel-js FILE", () => {
  it("runs the file and sets arg like the reference", async () => {
    file("args.fnl", '(print (. arg 0) (. arg 1) (. arg 2) (length arg) (select "#" ...) ...)');
    const r = await run(["args.fnl", "one", "two"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe("args.fnl\tone\ttwo\t2\t2\tone\ttwo\n");
  });

  it("exits 1 with FILE:LINE: message for a runtime error", async () => {
    file("boom.fnl", '(print "before")\n\n(local t nil)\n(print (. t :x))\n');
    const r = await run(["boom.fnl"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe("before\n");
    expect(r.stderr).toContain("boom.fnl:4: attempt to index a nil value (local 't')");
  });

  it("exits 1 naming file, line and column for a compile error", async () => {
    file("bad.fnl", "(local x 1)\n(print (+ x unknown-name))\n");
    const r = await run(["bad.fnl"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.fnl:2:\d+: Compile error: .*unknown-name/);
    expect(r.stdout.length).toBe(0);
  });

  it("says so when the file does not exist", async () => {
    const r = await run(["missing.fnl"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("missing.fnl: No such file or directory\n");
    const dirRun = await run(["."], { cwd: dir });
    expect(dirRun.code).toBe(1);
    expect(dirRun.stderr).toBe(".: Is a directory\n");
  });

  it("writes strings that are not UTF-8 byte for byte", async () => {
    file("bytes.fnl", '(print "\\255\\254ok")\n(io.write "\\128" "\\n")');
    const r = await run(["bytes.fnl"], { cwd: dir });
    expect(r.code).toBe(0);
    expect([...r.stdout]).toEqual([255, 254, 111, 107, 10, 128, 10]);
    expect(r.stderr).toBe("");
  });

  it("exits with os.exit's code after flushing output", async () => {
    file("exit.fnl", '(io.write "partial")\n(os.exit 3)\n(print "never")');
    const r = await run(["exit.fnl"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).toBe("partial");
  });

  it("reads stdin and real files, writes files, sees the real environment", async () => {
    file(
      "io.fnl",
      `(let [out (io.open "written.txt" :w)]
         (out:write "a\\n" 42 "\\n" 1.5 "\\n")
         (out:close))
       (each [line (io.lines "written.txt")] (io.write "[" line "]"))
       (print)
       (with-open [f (io.open "written.txt")]
         (print (f:read :l) (f:read :n) (f:read :n) (f:read :a)))
       (print (io.read :l) (io.read :n))
       (print (os.getenv "FENNEL_JS_TEST_VAR"))
       (print (io.open "nope/missing.txt"))`,
    );
    const r = await run(["io.fnl"], { cwd: dir, input: "first line\n 12.5\n", env: { ...process.env, FENNEL_JS_TEST_VAR: "set!" } });
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toBe(
      "[a][42][1.5]\na\t42\t1.5\t\n\nfirst line\t12.5\nset!\nnil\tnope/missing.txt: No such file or directory\t2\n",
    );
    expect(readFileSync(path.join(dir, "written.txt"), "utf8")).toBe("a\n42\n1.5\n");
  });

  it("requires .fnl modules beside the file, with --add-fennel-path", async () => {
    file("helper.fnl", "{:twice (fn [x] (* 2 x))}");
    file("use.fnl", "(print ((. (require :helper) :twice) 21))");
    expect((await run(["use.fnl"], { cwd: dir })).stdout.toString()).toBe("42\n");
    const r = await run(["--add-fennel-path", "lib/?.fnl", "use2.fnl"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("use2.fnl: No such file or directory");
  });

  it("reads FENNEL_PATH and LUA_PATH, and requires .lua modules", async () => {
    file("envmod-a.fnl", "{:x 1}");
    file("envmod-b.lua", "return {y = 2}");
    file("envp.fnl", "(print (. (require :modx) :x) (. (require :mody) :y) (. (require :envmod-b) :y))");
    const env = { ...process.env, FENNEL_PATH: "./envmod-a.fnl?", LUA_PATH: "./envmod-b.lua?;;" };
    // The templates' `?` is replaced by the module name; these odd templates prove the paths are read.
    file("envmod-a.fnlmodx", "{:x 1}");
    file("envmod-b.luamody", "return {y = 2}");
    const r = await run(["envp.fnl"], { cwd: dir, env });
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toBe("1\t2\t2\n");
  });

  it("runs os.execute through the shell and reports its status", async () => {
    file("exec.fnl", '(print (os.execute "exit 2"))\n(print (os.execute "true"))');
    const r = await run(["exec.fnl"], { cwd: dir });
    expect(r.stdout.toString()).toBe("nil\texit\t2\ntrue\texit\t0\n");
  });
});

describe("fennel-js -e / --compile / flags", () => {
  it("-e prints the returned values as Lua's print does, tab-separated", async () => {
    const r = await run(["-e", '(values 1 2.0 "three" nil true)']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe("1\t2.0\tthree\tnil\ttrue\n");
  });

  it("-e with a table prints its address; --eval prints an empty line for no values", async () => {
    expect((await run(["-e", "{:a 1}"])).stdout.toString()).toMatch(/^table: 0x[0-9a-f]+\n$/);
    expect((await run(["--eval", "(do)"])).stdout.toString()).toBe("\n");
  });

  it("-e errors go to stderr with exit 1", async () => {
    const r = await run(["-e", "(error :nope)"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nope");
  });

  it("--compile prints Lua that Lua runs", async () => {
    file("comp.fnl", "(fn add [a b] (+ a b))\n(print (add 1 2))\n");
    const r = await run(["--compile", "comp.fnl"], { cwd: dir });
    expect(r.code).toBe(0);
    const lua = r.stdout.toString();
    expect(lua).toContain("function");
    file("comp.lua", lua);
    file("run-lua.fnl", '((load (with-open [f (io.open "comp.lua")] (f:read :a))))');
    expect((await run(["run-lua.fnl"], { cwd: dir })).stdout.toString()).toBe("3\n");
  });

  it("--compile reports compile errors with exit 1", async () => {
    file("cbad.fnl", "(let [x] x)");
    const r = await run(["--compile", "cbad.fnl"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cbad\.fnl:1:\d+:/);
  });

  it("--version and --help", async () => {
    expect((await run(["--version"])).stdout.toString()).toBe("Fennel 1.6.0 on PUC Lua 5.4\n");
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toContain("Usage: fennel-js");
  });

  it("--repl evaluates lines and prints values with view", async () => {
    const input = '(+ 1 2)\n{:a [1 2]}\n(.. "a"\n "b")\n(local x 40)\n(var y 1)\n(set y (+ y 1))\n(+ x y)\n';
    const r = await run(["--repl"], { input });
    expect(r.code).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain(">> 3\n");
    expect(out).toContain(">> {:a [1 2]}\n");
    expect(out).toContain('.. "ab"\n');
    // Top-level locals and vars live on into later inputs.
    expect(out).toContain(">> 42\n");
    expect(r.stderr).toBe("");
  });
});

describe("fennel-js start-up code cache", () => {
  const MAGIC = Buffer.from("fennel-js code cache 2\n");
  /** The payload's checksum as a cache file holds it: CRC-32 and length, big-endian. */
  const digest = (b: Uint8Array): Buffer => {
    const d = Buffer.alloc(8);
    d.writeUInt32BE(crc32(b), 0);
    d.writeUInt32BE(b.length, 4);
    return d;
  };

  it("writes its caches once, and runs the same from damaged, foreign or unwritable ones", async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), "fennel-js-cli-cache-"));
    const env = { ...process.env, FENNEL_JS_CACHE_DIR: cache };
    file("cached.fnl", '(macro twice [x] `(do ,x ,x))\n(twice (print "hi"))\n');
    const expected = { compile: (await run(["--compile", "cached.fnl"], { cwd: dir, env: { ...env, FENNEL_JS_CACHE_DIR: "off" } })).stdout.toString(), run: "hi\nhi\n" };
    const both = async (): Promise<void> => {
      const c = await run(["--compile", "cached.fnl"], { cwd: dir, env });
      const r = await run(["cached.fnl"], { cwd: dir, env });
      expect([c.code, c.stderr, c.stdout.toString()]).toEqual([0, "", expected.compile]);
      expect([r.code, r.stderr, r.stdout.toString()]).toEqual([0, "", expected.run]);
    };
    await both();
    const files = readdirSync(cache).filter((f) => f.endsWith(".v8"));
    // The CLI bundle for compiling, for running, and wasmoon.
    expect(files).toHaveLength(3);
    const times = files.map((f) => statSync(path.join(cache, f)).mtimeMs);
    await both();
    expect(files.map((f) => statSync(path.join(cache, f)).mtimeMs)).toEqual(times);

    // Well framed but not V8's data (V8 rejects it), then bytes cut off.
    for (const damage of [(_: Buffer) => Buffer.concat([MAGIC, digest(Buffer.alloc(4096, 7)), Buffer.alloc(4096, 7)]), (b: Buffer) => b.subarray(0, b.length >> 1)]) {
      const damaged = files.map((f) => damage(readFileSync(path.join(cache, f))));
      files.forEach((f, i) => writeFileSync(path.join(cache, f), damaged[i]!));
      await both();
      // Each was replaced by a whole cache.
      files.forEach((f, i) => {
        const data = readFileSync(path.join(cache, f));
        expect(data.equals(damaged[i]!)).toBe(false);
        expect(digest(data.subarray(MAGIC.length + 8)).equals(data.subarray(MAGIC.length, MAGIC.length + 8))).toBe(true);
      });
    }

    // The package's bin is the same command, started as CommonJS.
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as { bin: Record<string, string> };
    const bin = await runWith(path.join(PACKAGE_DIR, pkg.bin["fennel-js"]!), ["cached.fnl"], { cwd: dir, env });
    expect([bin.code, bin.stderr, bin.stdout.toString()]).toEqual([0, "", expected.run]);

    // A cache directory that cannot be made (its parent is a file).
    env.FENNEL_JS_CACHE_DIR = path.join(dir, "cached.fnl", "cache");
    await both();
  }, 60_000);
});
