// Starting processes through the spawn helper: a small Node process
// (spawn-helper-process.ts) started on first use that forks for the server.
// Forking the server itself blocks its event loop ~10 ms a process (the
// page tables of its heap are copied, then torn down again by exec); forking
// the helper costs about a millisecond and blocks only the helper. A
// `HelperChild` behaves as the ChildProcess it stands for: stdio streams,
// `error` and `close (code, signal)` events, kill().
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { encodeFrame, FrameReader, FROM_HELPER, TO_HELPER, type SpawnFailure } from "./spawn-frames.js";

export interface HelperSpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The built helper program: from src/git/ and dist/git/ (or dist/bin/ in the bundle) alike, two levels below the package. */
export function helperScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, "..", "..", "dist", "git", "spawn-helper-process.js");
}

/** A process started by the helper, shaped as the parts of ChildProcess that callers use. */
export class HelperChild extends EventEmitter {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable;
  pid: number | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  private closed = false;
  /** The helper was told to stop reading stdout until the reader wants more. */
  private paused = false;

  constructor(
    private readonly helper: SpawnHelper,
    readonly id: number,
  ) {
    super();
    this.stdout = new Readable({
      read: () => {
        if (!this.paused) return;
        this.paused = false;
        helper.send(TO_HELPER.resume, id);
      },
    });
    this.stderr = new Readable({ read: () => {} });
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, callback) => helper.send(TO_HELPER.stdin, id, chunk, callback),
      final: (callback) => helper.send(TO_HELPER.stdinEnd, id, undefined, callback),
    });
  }

  /** Send `signal` (default SIGTERM) to the process; false once it has ended. */
  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    if (this.closed) return false;
    this.helper.send(TO_HELPER.kill, this.id, signal);
    return true;
  }

  /** @internal A frame from the helper about this child. */
  frame(type: number, payload: Buffer): void {
    switch (type) {
      case FROM_HELPER.spawned:
        this.pid = (JSON.parse(payload.toString("utf8")) as { pid: number }).pid;
        this.emit("spawn");
        break;
      case FROM_HELPER.stdout:
        // A full reader pauses the child's pipe in the helper, as a direct pipe would hold git back.
        if (!this.stdout.push(Buffer.from(payload)) && !this.paused && !this.closed) {
          this.paused = true;
          this.helper.send(TO_HELPER.pause, this.id);
        }
        break;
      case FROM_HELPER.stderr:
        this.stderr.push(Buffer.from(payload));
        break;
      case FROM_HELPER.error: {
        const failure = JSON.parse(payload.toString("utf8")) as SpawnFailure;
        this.emit("error", Object.assign(new Error(failure.message), failure));
        break;
      }
      case FROM_HELPER.close: {
        const { code, signal } = JSON.parse(payload.toString("utf8")) as { code: number | null; signal: NodeJS.Signals | null };
        this.end(code, signal);
        break;
      }
    }
  }

  /** @internal The child ended (or the helper did): close its streams, then `close` once their output is read. */
  end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closed) return;
    this.closed = true;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit("exit", code, signal);
    let open = 2;
    const ended = () => {
      if (--open === 0) this.emit("close", code, signal);
    };
    for (const stream of [this.stdout, this.stderr]) {
      if (stream.readableEnded) ended();
      else stream.once("end", ended);
      stream.push(null);
      // As ChildProcess does at exit: output nobody reads is dropped, so `close` still comes.
      if (stream.readableFlowing === null) stream.resume();
    }
    this.stdin.destroy();
  }
}

/** The helper process and the children it runs for this server. */
export class SpawnHelper {
  private process: ChildProcess | undefined;
  private readonly children = new Map<number, HelperChild>();
  private nextId = 1;

  /** Start `file args…` through the helper (started now if it is not running). */
  spawn(file: string, args: string[], options: HelperSpawnOptions = {}): HelperChild {
    const proc = this.running();
    const id = this.nextId;
    this.nextId = (this.nextId % 0xffff_fffe) + 1;
    const child = new HelperChild(this, id);
    this.children.set(id, child);
    if (this.children.size === 1) this.hold(proc, true);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env ?? process.env)) if (v !== undefined) env[k] = v;
    this.send(TO_HELPER.spawn, id, JSON.stringify({ file, args, cwd: options.cwd, env }));
    return child;
  }

  /** The helper's pid, when it runs. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** @internal */
  send(type: number, id: number, payload?: Buffer | string, callback?: (error?: Error | null) => void): void {
    const stdin = this.process?.stdin;
    if (stdin == null || stdin.destroyed) {
      callback?.(new Error("the spawn helper is not running"));
      return;
    }
    stdin.write(encodeFrame(type, id, payload), callback);
  }

  /** Stop the helper; it kills its children. */
  close(): void {
    this.process?.stdin?.end();
  }

  private running(): ChildProcess {
    if (this.process !== undefined) return this.process;
    const script = helperScript();
    if (!existsSync(script)) throw new Error(`the spawn helper ${script} is missing: build the server first (pnpm build)`);
    // No inherited execArgv (inspector, profiler) and a small young generation: the helper stays small, so forking it stays cheap.
    const proc = spawn(process.execPath, ["--max-semi-space-size=1", script], { stdio: ["pipe", "pipe", "inherit"], env: process.env });
    this.process = proc;
    const reader = new FrameReader((type, id, payload) => {
      const child = this.children.get(id);
      if (child === undefined) return;
      child.frame(type, payload);
      if (type === FROM_HELPER.close) this.forget(id);
    });
    proc.stdout!.on("data", (chunk: Buffer) => reader.push(chunk));
    proc.stdin!.on("error", () => {});
    proc.on("exit", () => this.lost(proc));
    proc.on("error", () => this.lost(proc));
    this.hold(proc, false);
    return proc;
  }

  /** Keep this server running while a child runs, and not a moment longer because of the helper. */
  private hold(proc: ChildProcess, ref: boolean): void {
    for (const handle of [proc, proc.stdout, proc.stdin] as { ref?(): void; unref?(): void }[]) {
      if (ref) handle.ref?.();
      else handle.unref?.();
    }
  }

  private forget(id: number): void {
    this.children.delete(id);
    if (this.children.size === 0 && this.process !== undefined) this.hold(this.process, false);
  }

  /** The helper died: its children were killed with it; the next spawn starts a new one. */
  private lost(proc: ChildProcess): void {
    if (this.process !== proc) return;
    this.process = undefined;
    const orphans = [...this.children.values()];
    this.children.clear();
    for (const child of orphans) {
      if (child.listenerCount("error") > 0) child.emit("error", new Error("the spawn helper exited while the process ran"));
      child.end(null, "SIGKILL");
    }
  }
}

/** The server's one helper. */
export const spawnHelper = new SpawnHelper();
