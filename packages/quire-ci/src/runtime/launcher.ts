// Starting the process of one sh call. Direct: spawn from this process (the
// default). Through a helper: a small Node process spawns for us and streams
// the output back (QUIRE_CI_SPAWN=helper), for hosts where fork() from a
// process carrying a Lua VM and a compiler turns out slow. Both put each
// command in its own process group and give up on pipes held open by
// background children.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Stream } from "./log-file.js";

export interface LaunchCallbacks {
  onData(stream: Stream, chunk: Buffer): void;
  /** The command could not start (e.g. ENOENT); onClose follows. */
  onError(code: string | undefined, message: string): void;
  /** The exit status; output may still be arriving. */
  onExit(code: number | null, signal: string | null): void;
  /** All output delivered, or given up on PIPE_GRACE_MS after the exit. */
  onClose(): void;
}

export interface Launched {
  /** Known once started (for the helper, shortly after launch). */
  readonly pid: number | undefined;
  /** Signal the command's whole process group. */
  kill(signal: NodeJS.Signals): void;
}

export interface Launcher {
  launch(argv: string[], options: { cwd: string; env: Record<string, string> }, callbacks: LaunchCallbacks): Launched;
  close(): void;
}

/** After the command exits, how long to wait for background children to release its pipes. */
export const PIPE_GRACE_MS = 200;

/** Process groups of every sh call of this process, to stop leftovers at the end. */
const spawnedGroups = new Set<number>();

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Kill every process group an sh call started (including background leftovers). */
export function killAllGroups(signal: NodeJS.Signals): void {
  for (const pgid of spawnedGroups) killGroup(pgid, signal);
  spawnedGroups.clear();
}

/** Spawn in this process. */
export const directLauncher: Launcher = {
  launch(argv, options, cb) {
    const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid !== undefined) spawnedGroups.add(child.pid);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      cb.onClose();
    };
    child.stdout!.on("data", (c: Buffer) => cb.onData("stdout", c));
    child.stderr!.on("data", (c: Buffer) => cb.onData("stderr", c));
    child.on("error", (e: NodeJS.ErrnoException) => {
      cb.onError(e.code, e.message);
      close();
    });
    child.on("exit", (code, signal) => {
      cb.onExit(code, signal);
      setTimeout(() => {
        if (closed) return;
        child.stdout!.destroy();
        child.stderr!.destroy();
        close();
      }, PIPE_GRACE_MS).unref();
    });
    child.on("close", close);
    return { pid: child.pid, kill: (signal) => killGroup(child.pid, signal) };
  },
  close() {},
};

interface Pending {
  cb: LaunchCallbacks;
  handle: { pid: number | undefined; pendingSignal?: NodeJS.Signals };
}

/** Requests and answers are JSON lines over the helper's stdin and stdout (see spawn-helper.ts). */
export class HelperLauncher implements Launcher {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = "";
  private dead = false;
  /** Environments already sent, so the usual one crosses the pipe once. */
  private readonly envRefs = new WeakMap<object, number>();

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (text: string) => this.receive(text));
    child.on("exit", () => this.died());
    child.on("error", () => this.died());
    child.stdin!.on("error", () => this.died());
    this.holdOpen(false);
  }

  /** The helper keeps quire-ci alive only while a command runs through it. */
  private holdOpen(hold: boolean): void {
    const handles = [this.child, this.child.stdout, this.child.stdin] as unknown as Array<{ ref?(): void; unref?(): void }>;
    for (const h of handles) (hold ? h.ref : h.unref)?.call(h);
  }

  /** Start the helper; undefined when it cannot run (then spawn directly). */
  static start(): HelperLauncher | undefined {
    const script = fileURLToPath(new URL("./spawn-helper.js", import.meta.url));
    if (!script.endsWith(".js")) return undefined;
    try {
      const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
      return new HelperLauncher(child);
    } catch {
      return undefined;
    }
  }

  launch(argv: string[], options: { cwd: string; env: Record<string, string> }, cb: LaunchCallbacks): Launched {
    if (this.dead) return directLauncher.launch(argv, options, cb);
    const id = this.nextId++;
    const handle: Pending["handle"] = { pid: undefined };
    this.pending.set(id, { cb, handle });
    if (this.pending.size === 1) this.holdOpen(true);
    let envRef = this.envRefs.get(options.env);
    let env: Record<string, string> | undefined;
    if (envRef === undefined) {
      envRef = id;
      env = options.env;
      this.envRefs.set(options.env, envRef);
    }
    this.child.stdin!.write(JSON.stringify({ id, argv, cwd: options.cwd, envRef, env }) + "\n");
    return {
      get pid() {
        return handle.pid;
      },
      kill(signal) {
        if (handle.pid !== undefined) killGroup(handle.pid, signal);
        else handle.pendingSignal = signal;
      },
    };
  }

  /**
   * Stop the helper without waiting for it (it may still be starting, holding
   * quire-ci's stderr). Commands it started live in their own process groups.
   */
  close(): void {
    this.dead = true;
    this.child.stdin!.destroy();
    this.child.stdout!.destroy();
    this.child.kill("SIGKILL");
  }

  private receive(text: string): void {
    this.buffer += text;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.dispatch(JSON.parse(line) as HelperMessage);
    }
  }

  private dispatch(msg: HelperMessage): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.t) {
      case "pid":
        p.handle.pid = msg.pid;
        spawnedGroups.add(msg.pid);
        if (p.handle.pendingSignal) killGroup(msg.pid, p.handle.pendingSignal);
        break;
      case "o":
        p.cb.onData("stdout", Buffer.from(msg.d, "base64"));
        break;
      case "e":
        p.cb.onData("stderr", Buffer.from(msg.d, "base64"));
        break;
      case "err":
        p.cb.onError(msg.code, msg.message);
        break;
      case "exit":
        p.cb.onExit(msg.code, msg.signal);
        break;
      case "close":
        if (msg.code !== undefined || msg.signal !== undefined) p.cb.onExit(msg.code ?? null, msg.signal ?? null);
        this.pending.delete(msg.id);
        if (this.pending.size === 0) this.holdOpen(false);
        p.cb.onClose();
        break;
    }
  }

  /** The helper is gone: fail what it was running, spawn directly from now on. */
  private died(): void {
    if (this.dead && this.pending.size === 0) return;
    this.dead = true;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.cb.onError("EHELPER", "the spawn helper of quire-ci exited");
      p.cb.onClose();
    }
  }
}

/**
 * The launcher the CLI uses: direct spawns (measured no slower per command
 * than the helper, and without a second Node starting beside the first sh
 * call), or the spawn helper with QUIRE_CI_SPAWN=helper.
 */
export function startLauncher(env: NodeJS.ProcessEnv = process.env): Launcher {
  if (env.QUIRE_CI_SPAWN === "helper") return HelperLauncher.start() ?? directLauncher;
  return directLauncher;
}

export type HelperMessage =
  | { t: "pid"; id: number; pid: number }
  | { t: "o" | "e"; id: number; d: string }
  | { t: "err"; id: number; code?: string; message: string }
  | { t: "exit"; id: number; code: number | null; signal: string | null }
  | { t: "close"; id: number; code?: number | null; signal?: string | null };
