// The compile-time Lua VM for user macros. wasmoon only starts
// asynchronously, but compiling is synchronous: the VM lives in a worker
// thread and each call blocks on Atomics.wait until the worker answers.
// Started lazily, once per process, and only for files that define macros.
import { createRequire } from "node:module";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { macroPrelude } from "./macro-prelude.js";

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { port, flag, wasmoonPath, prelude } = workerData;
const signal = new Int32Array(flag);
function reply(msg) {
  port.postMessage(msg);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
const pending = [];
let engine;
port.on("message", (code) => {
  if (engine === undefined) pending.push(code);
  else run(code);
});
function run(code) {
  try {
    const r = engine.doStringSync(code);
    reply({ ok: true, value: r === undefined || r === null ? null : String(r) });
  } catch (e) {
    reply({ ok: false, error: String((e && e.message) || e) });
  }
}
(async () => {
  try {
    const { LuaFactory } = require(wasmoonPath);
    engine = await new LuaFactory().createEngine({ injectObjects: false, enableProxy: false });
    engine.doStringSync(prelude);
  } catch (e) {
    engine = { doStringSync() { throw new Error("macro VM failed to start: " + String((e && e.message) || e)); } };
  }
  for (const c of pending.splice(0)) run(c);
})();
`;

/** A blocking handle on the compile-time VM. */
export class MacroVM {
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private readonly worker: Worker;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    this.signal = new Int32Array(flag);
    const wasmoonPath = createRequire(import.meta.url).resolve("wasmoon");
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag, wasmoonPath, prelude: macroPrelude() },
      transferList: [port2],
    });
    this.worker.unref();
    this.port = port1;
    this.port.unref();
  }

  /** Run a Lua chunk; returns its first result as a string (or null). */
  run(code: string): string | null {
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage(code);
    for (;;) {
      const r = Atomics.wait(this.signal, 0, 0, 60_000);
      const msg = receiveMessageOnPort(this.port);
      if (msg !== undefined) {
        const m = msg.message as { ok: boolean; value?: string | null; error?: string };
        if (!m.ok) throw new Error(m.error ?? "macro VM error");
        return m.value ?? null;
      }
      if (r === "timed-out") throw new Error("macro VM did not answer within 60 s");
    }
  }
}

let shared: MacroVM | undefined;

/** The process-wide compile-time VM, started on first use. */
export function macroVM(): MacroVM {
  shared ??= new MacroVM();
  return shared;
}
