// The VM API against a real wasmoon Lua: evaluation and value conversion,
// sync and async host functions, profiles, require, and error mapping.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LuaRuntimeError } from "../chunks.js";
import { luaValues, type LuaFunction } from "../convert.js";
import { compileString } from "../../compile-string.js";
import { createVM, type VM } from "./vm.js";

const open: VM[] = [];
async function vmWith(options: Parameters<typeof createVM>[0] = {}): Promise<VM> {
  const vm = await createVM(options);
  open.push(vm);
  return vm;
}
afterEach(() => {
  for (const vm of open.splice(0)) vm.close();
});

function tmpRoot(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "fennel-js-vm-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the promise to reject");
}

describe("evaluation and values", () => {
  it("returns every value, converted", async () => {
    const vm = await vmWith();
    expect(await vm.evalString('(values 1 2.5 "s" true nil)')).toEqual([1, 2.5, "s", true, undefined]);
    expect(await vm.evalString("[1 2 [3 4]]")).toEqual([[1, 2, [3, 4]]]);
    expect(await vm.evalString('{:a 1 :b {:c "d"}}')).toEqual([{ a: 1, b: { c: "d" } }]);
  });

  it("keeps nil holes in sequences honest and sparse tables as objects", async () => {
    const vm = await vmWith();
    expect(await vm.evalString("[1 nil 3]")).toEqual([[1, undefined, 3]]);
    expect(await vm.evalString("{1 :a 100 :b}")).toEqual([{ 1: "a", 100: "b" }]);
  });

  it("keeps shared and cyclic tables shared in both directions", async () => {
    const vm = await vmWith({ allowedGlobals: ["cyc"] });
    const [t] = (await vm.evalString("(let [t [1 2]] (tset t 3 t) t)")) as [unknown[]];
    expect(t[2]).toBe(t);
    const [o] = (await vm.evalString("(let [inner [1] t {:x inner :y inner}] t)")) as [{ x: unknown; y: unknown }];
    expect(o.x).toBe(o.y);
    const cyc: Record<string, unknown> = { n: 1 };
    cyc.me = cyc;
    vm.setGlobal("cyc", cyc);
    expect(await vm.evalString("(= cyc cyc.me)")).toEqual([true]);
  });

  it("passes JS values in as Lua tables and reads globals back", async () => {
    const vm = await vmWith({ allowedGlobals: ["cfg"] });
    vm.setGlobal("cfg", { name: "x", tags: ["a", "b"], n: 3 });
    expect(await vm.evalString("(.. cfg.name (. cfg.tags 2) (length cfg.tags) (math.type cfg.n))")).toEqual([
      "xb2integer",
    ]);
    await vm.evalString("(set _G.out {:ok true})");
    expect(vm.getGlobal("out")).toEqual({ ok: true });
  });

  it("hands Lua functions to JS, callable sync and async", async () => {
    const vm = await vmWith({ allowedGlobals: ["later"] });
    vm.installFunction("later", (x: number) => new Promise((r) => setTimeout(() => r(x * 2), 2)));
    const [inc, viaHost] = (await vm.evalString("(values (fn [x] (+ x 1)) (fn [x] (+ (later x) 1)))")) as [
      (x: number) => unknown,
      { callAsync(...a: unknown[]): Promise<unknown[]> },
    ];
    expect(inc(41)).toBe(42);
    expect(await viaHost.callAsync(10)).toEqual([21]);
  });
});

describe("host functions", () => {
  it("calls sync functions with converted arguments and multiple results", async () => {
    const vm = await vmWith({ allowedGlobals: ["add", "pair"] });
    vm.installFunction("add", (a: number, b: number) => a + b);
    vm.installFunction("pair", (t: { x: number }) => luaValues(t.x, "second"));
    expect(await vm.evalString("(values (add 2 3) (pair {:x 7}))")).toEqual([5, 7, "second"]);
  });

  it("raises a thrown JS error as a Lua error at the caller's line", async () => {
    const vm = await vmWith({ allowedGlobals: ["fail"] });
    vm.installFunction("fail", () => {
      throw new Error("nope");
    });
    expect(await vm.evalString('(let [(ok e) (pcall fail)] [ok e])')).toEqual([[false, "nope"]]);
    // Not a tail call: a tail call leaves no frame to name.
    const err = await rejection(vm.evalString("\n\n(fail)\n(print :unreached)", { filename: "f.fnl" }));
    expect(err).toBeInstanceOf(LuaRuntimeError);
    expect(err.message).toBe("f.fnl:3: nope");
  });

  it("awaits async functions in loops, pcall and coroutines without blocking the event loop", async () => {
    const vm = await vmWith({ allowedGlobals: ["later"] });
    let calls = 0;
    vm.installFunction("later", (x: number) => {
      calls++;
      return new Promise((r) => setTimeout(() => r(x * 2), 3));
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const src = `
        (var sum 0)
        (for [i 1 5] (set sum (+ sum (later i))))
        (let [(ok v) (pcall later 21)
              gen (coroutine.wrap (fn [] (coroutine.yield (later 1)) (coroutine.yield (later 2))))]
          (values sum ok v (gen) (gen)))`;
      expect(await vm.evalString(src)).toEqual([30, true, 42, 2, 4]);
    } finally {
      clearInterval(timer);
    }
    expect(calls).toBe(8);
    expect(ticks).toBeGreaterThan(0);
  });

  it("reports a rejected promise as a Lua error", async () => {
    const vm = await vmWith({ allowedGlobals: ["bad"] });
    vm.installFunction("bad", () => Promise.reject(new Error("it broke")));
    expect(await vm.evalString("(pcall bad)")).toEqual([false, "it broke"]);
  });

  it("explains the C-call boundary when an async call happens inside table.sort", async () => {
    const vm = await vmWith({ allowedGlobals: ["later"] });
    vm.installFunction("later", (x: number) => Promise.resolve(x));
    const err = await rejection(
      vm.evalString("(table.sort [3 1 2] (fn [a b] (< (later a) (later b))))", { filename: "sort.fnl" }),
    );
    expect(err.message).toContain("sort.fnl:1: later: cannot wait for this host call here");
    expect(err.message).toContain("table.sort comparator");
    expect(err.message).toContain("attempt to yield across a C-call boundary");
  });

  it("runs independent entry points concurrently on their own threads", async () => {
    const vm = await vmWith({ allowedGlobals: ["later"] });
    vm.installFunction("later", (x: number) => new Promise((r) => setTimeout(() => r(x), 5)));
    const results = await Promise.all([vm.evalString("(later 1)"), vm.evalString("(later 2)")]);
    expect(results).toEqual([[1], [2]]);
  });
});

describe("profiles", () => {
  it("pipeline VMs have no io, debug, load or most of os", async () => {
    const vm = await vmWith();
    const [present] = await vm.evalString(
      "(length (icollect [_ k (ipairs [:io :debug :load :loadfile :dofile])] (if (. _G k) k)))",
    );
    expect(present).toBe(0);
    const [osKeys] = await vm.evalString("(doto (icollect [k (pairs os)] k) (table.sort))");
    expect(osKeys).toEqual(["clock", "date", "time"]);
    const [ok, msg] = await vm.evalString("(pcall require :io)");
    expect(ok).toBe(false);
    expect(msg).toContain("module 'io' not found");
    const err = await rejection(vm.evalString("(io.open \"/etc/passwd\")", { filename: "p.fnl" }));
    expect(err.message).toMatch(/^p\.fnl:1: attempt to index a nil value \(global 'io'\)/);
  });

  it("pipeline VMs cannot load Lua files or C libraries through require", async () => {
    const root = tmpRoot({ "sneaky.lua": "return io" });
    const vm = await vmWith({ root });
    const [ok, msg] = await vm.evalString("(pcall require :sneaky)");
    expect(ok).toBe(false);
    expect(msg).toContain("module 'sneaky' not found");
    expect(await vm.evalString("(values package.loadlib string.dump (length package.searchers))")).toEqual([
      undefined,
      undefined,
      2,
    ]);
  });

  it("os.execute is refused in a pipeline VM", async () => {
    const vm = await vmWith();
    const err = await rejection(vm.evalString("(os.execute \"true\")", { filename: "x.fnl" }));
    expect(err.message).toMatch(/x\.fnl:1: attempt to call a nil value \(field 'execute'\)/);
  });

  it("cli VMs read real files", async () => {
    const root = tmpRoot({ "data.txt": "one\ntwo\n" });
    const vm = await vmWith({ profile: "cli", root });
    const file = JSON.stringify(path.join(root, "data.txt"));
    expect(await vm.evalString(`(with-open [f (io.open ${file})] (icollect [l (f:lines)] l))`)).toEqual([
      ["one", "two"],
    ]);
  });
});

describe("require", () => {
  it("finds .fnl modules along the path under the root", async () => {
    const root = tmpRoot({
      ".quire/lib/util.fnl": "(fn twice [x] (* 2 x))\n{: twice}",
      "lib/init-style/init.fnl": ":from-init",
    });
    const vm = await vmWith({ root, fennelPath: "./?.fnl;./?/init.fnl;.quire/?.fnl" });
    expect(await vm.evalString("((. (require :lib.util) :twice) 21)")).toEqual([42]);
    // require answers the module and where it was found, as Lua 5.4 does.
    expect(await vm.evalString("(require :lib.init-style)")).toEqual(["from-init", "./lib/init-style/init.fnl"]);
  });

  it("reports a module's compile error with the module's file", async () => {
    const root = tmpRoot({ "broken.fnl": "(local x 1)\n(undefined-thing x)\n" });
    const vm = await vmWith({ root });
    const err = await rejection(vm.evalString("(require :broken)", { filename: "main.fnl" }));
    expect(err.message).toContain("./broken.fnl:2:");
    expect(err.message).toContain("undefined-thing");
  });

  it("maps runtime errors inside a module to the module's .fnl line", async () => {
    const root = tmpRoot({ "mod.fnl": "(fn f []\n  (let [t nil]\n    (. t :x)))\n{: f}\n" });
    const vm = await vmWith({ root });
    const err = (await rejection(vm.evalString("((. (require :mod) :f))", { filename: "main.fnl" }))) as LuaRuntimeError;
    expect(err.message).toBe("./mod.fnl:3: attempt to index a nil value (local 't')");
    expect(err.file).toBe("./mod.fnl");
    expect(err.line).toBe(3);
  });

  it("serves registered modules: tables and loaders", async () => {
    const vm = await vmWith();
    const jobs: string[] = [];
    vm.registerModule("quire.ci", { job: (id: string) => void jobs.push(id) });
    vm.registerModule("answer", () => 42);
    expect(await vm.evalString("(local ci (require :quire.ci)) (ci.job :build) (pick-values 1 (require :answer))")).toEqual([42]);
    expect(jobs).toEqual(["build"]);
  });
});

describe("timeouts", () => {
  it("stop a busy loop, even one that catches errors, at the line it reached", async () => {
    const vm = await vmWith();
    const started = Date.now();
    const err = (await rejection(
      vm.evalString("(var i 0)\n(while true\n  (pcall #(set i (+ i 1))))", { filename: "busy.fnl", timeoutMs: 100 }),
    )) as LuaRuntimeError;
    expect(err.timedOut).toBe(true);
    expect(err.message).toMatch(/^busy\.fnl:\d: timed out after 100 ms$/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await vm.evalString("(+ 1 2)")).toEqual([3]);
  });

  it("stop a run waiting on a slow host function", async () => {
    const vm = await vmWith({ allowedGlobals: ["slow"] });
    vm.installFunction("slow", () => new Promise((r) => setTimeout(r, 2000)));
    const err = (await rejection(vm.evalString("(slow)\n:unreached", { filename: "w.fnl", timeoutMs: 50 }))) as LuaRuntimeError;
    expect(err.timedOut).toBe(true);
    expect(err.message).toBe("w.fnl:1: timed out after 50 ms");
  });

  it("apply to Lua functions called through vm.call", async () => {
    const vm = await vmWith();
    const [spin] = (await vm.evalString("(fn [] (while true nil))")) as [LuaFunction];
    const err = (await rejection(vm.call(spin, [], { timeoutMs: 30 }))) as LuaRuntimeError;
    expect(err.timedOut).toBe(true);
    const [add] = (await vm.evalString("(fn [a b] (+ a b))")) as [LuaFunction];
    expect(await vm.call(add, [2, 3])).toEqual([5]);
  });
});

describe("entry threads", () => {
  it("look like Lua's main thread to the program", async () => {
    const vm = await vmWith();
    expect(await vm.evalString("(let [(_ main?) (coroutine.running)] (values main? (coroutine.isyieldable)))")).toEqual([
      true,
      false,
    ]);
    const err = await rejection(vm.evalString("(coroutine.yield 1)", { filename: "y.fnl" }));
    expect(err.message).toContain("attempt to yield from outside a coroutine");
  });

  it("keep coroutine errors and wrap positions as Lua does", async () => {
    const vm = await vmWith();
    const [ok, msg] = await vm.evalString('(pcall (coroutine.wrap (fn [] (error "inner" 0))))');
    expect(ok).toBe(false);
    expect(msg).toBe("inner");
  });
});

describe("runtime errors", () => {
  it("maps the Lua line to the Fennel line", async () => {
    const vm = await vmWith();
    const src = '(local t {})\n\n(fn f [x]\n  (+ x 1))\n\n(f "a" )\n';
    const err = (await rejection(vm.evalString(src, { filename: "m.fnl" }))) as LuaRuntimeError;
    expect(err.message).toMatch(/^m\.fnl:4: attempt to (add|perform arithmetic)/);
    expect(err.traceback).toContain("m.fnl:");
  });

  it("shows non-string error values as tostring does, keeping the value", async () => {
    const vm = await vmWith();
    const err = (await rejection(vm.evalString("(error {:code 7})"))) as LuaRuntimeError;
    expect(err.message).toMatch(/^table: 0x[0-9a-f]+$/);
    expect(err.value).toEqual({ code: 7 });
  });
});

describe("trusted setup", () => {
  it("runs before the profile, with host functions as arguments, and hands back its values", async () => {
    const seen: Array<{ text: string; file?: string; line?: number }> = [];
    let vm!: VM;
    const setup = `
      local report = ...
      local getinfo = debug.getinfo
      -- The nearest caller in a chunk compiled from Fennel.
      function where(level)
        for l = 2, 20 do
          local info = getinfo(l, "Sl")
          if not info then break end
          if info.source:sub(1, 1) == "@" and info.currentline > 0 then
            return report(info.short_src .. ":" .. info.currentline .. ":")
          end
        end
      end
      return function(x) return x * 2 end, "ready"`;
    vm = await vmWith({
      allowedGlobals: ["where"],
      setup: { lua: setup, args: [(pos: string) => void seen.push(vm.mapPositions(pos))] },
    });
    const [double, word] = vm.setupResult as [LuaFunction, string];
    expect(word).toBe("ready");
    expect(await vm.call(double, [21])).toEqual([42]);
    expect(vm.getGlobal("debug")).toBeUndefined();
    await vm.evalString("(local x 1)\n\n(fn f []\n  (where)\n  nil)\n(f)", { filename: "w.fnl" });
    expect(seen).toEqual([{ text: "w.fnl:4:", file: "w.fnl", line: 4 }]);
  });

  it("reports a failing setup when the VM is created", async () => {
    await expect(createVM({ setup: { lua: "error('bad setup')", name: "mine" } })).rejects.toThrow(
      "VM setup failed: mine:1: bad setup",
    );
  });
});

describe("refusals", () => {
  const refusals = {
    globals: {
      io: "io is not available here: use the host's functions",
      package: "package is not available here",
    },
    os: "os.%s is not available here",
  };

  it("raise the host's message where removed globals are read", async () => {
    const vm = await vmWith({ refusals });
    const io = await rejection(vm.evalString('(local x 1)\n(io.open "/etc/passwd")', { filename: "p.fnl" }));
    expect(io.message).toBe("p.fnl:2: io is not available here: use the host's functions");
    const os = await rejection(vm.evalString('(os.execute "true")', { filename: "p.fnl" }));
    expect(os.message).toBe("p.fnl:1: os.execute is not available here");
    expect(await vm.evalString("(values (os.time {:year 2020 :month 1 :day 1 :hour 0}) (. _G :unset))")).toEqual([
      expect.any(Number),
      undefined,
    ]);
  });

  it("remove package while require and registered modules keep working", async () => {
    const root = tmpRoot({ "lib/m.fnl": ":from-lib" });
    const vm = await vmWith({ root, refusals, fennelPath: "./lib/?.fnl" });
    vm.registerModule("host.mod", { answer: 42 });
    expect(await vm.evalString("(values (require :m) (. (require :host.mod) :answer))")).toEqual(["from-lib", 42]);
    const err = await rejection(vm.evalString("(local x 1)\n(print package.path)", { filename: "q.fnl" }));
    expect(err.message).toBe("q.fnl:2: package is not available here");
    const [ok, msg] = await vm.evalString("(pcall require :package)");
    expect(ok).toBe(false);
    expect(msg).toContain("module 'package' not found");
  });
});

describe("precompiled source", () => {
  it("runs a compile result without compiling again, its positions still mapped", async () => {
    const vm = await vmWith();
    const source = "(local x 1)\n\n(error (.. :at- x))\n";
    const compiled = compileString(source, { filename: "pre.fnl" });
    const err = await rejection(vm.evalString("this text is not compiled", { filename: "pre.fnl", compiled }));
    expect(err.message).toBe("pre.fnl:3: at-1");
    expect(await vm.evalString("", { compiled: compileString("(+ 1 2)") })).toEqual([3]);
  });
});
