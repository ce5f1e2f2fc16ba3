// One long-lived `git diff-tree --stdin` per repository: a process start costs
// milliseconds of blocked event loop in a large server, a line on a pipe does
// not. diff-tree echoes lines that are not object ids, so a random end marker
// frames each answer; one over its cap or budget stops the process (restarted on demand).
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { startPiped } from "./pipe-process.js";
import { randomBytes } from "node:crypto";

/** The options every diff is read with; the parser (diff-parse.ts) expects exactly this output. */
export const DIFF_TREE_ARGS = ["-r", "-M", "-C", "--raw", "--numstat", "-p", "-z", "--no-color", "--no-ext-diff", "--no-textconv", "--root", "--no-commit-id"];

export interface DiffTreeResult {
  stdout: Buffer;
  timedOut: boolean;
  truncated: boolean;
}

interface Pending {
  line: string;
  maxBytes: number;
  timeoutMs: number;
  chunks: Buffer[];
  size: number;
  /** More output came than maxBytes: the rest is dropped. */
  capped: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(result: DiffTreeResult): void;
  reject(error: Error): void;
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export class DiffTreeProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private queue: Pending[] = [];
  /** Output after the head request's marker that belongs to the next request. */
  private carry: Buffer = Buffer.alloc(0);
  private readonly marker = Buffer.from(`quire-diff-end-${randomBytes(16).toString("hex")}\n`);
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly gitDir: string,
    private readonly options: { idleMs?: number } = {},
  ) {}

  /** The diff of `commit` against `parent` (its own first parent, or the empty tree for a root, when null). */
  diff(commit: string, parent: string | null, limits: { maxBytes: number; timeoutMs: number }): Promise<DiffTreeResult> {
    if (!OID.test(commit) || (parent !== null && !OID.test(parent))) return Promise.reject(new Error("diff-tree takes full object ids"));
    return new Promise((resolve, reject) => {
      const pending: Pending = { line: parent === null ? commit : `${commit} ${parent}`, ...limits, chunks: [], size: 0, capped: false, timer: undefined, resolve, reject };
      this.queue.push(pending);
      if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
      this.send(pending);
      if (this.queue.length === 1) this.arm(pending);
    });
  }

  close(): void {
    this.stop(new Error("diff-tree closed"));
  }

  private send(p: Pending): void {
    const child = this.child ?? this.start();
    child.stdin.write(`${p.line}\n${this.marker.toString("latin1")}`);
  }

  /** The head request's clock starts when it reaches the head of the queue. */
  private arm(p: Pending): void {
    p.timer = setTimeout(() => this.cutHead(p, { timedOut: true, truncated: p.capped }), p.timeoutMs);
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = startPiped(this.gitDir, ["diff-tree", "--stdin", ...DIFF_TREE_ARGS], {
      data: (chunk) => {
        if (this.child === child) this.take(chunk);
      },
      gone: (error) => {
        if (this.child !== child) return;
        this.child = undefined;
        this.failAll(error);
      },
    });
    this.child = child;
    this.carry = Buffer.alloc(0);
    return child;
  }

  private take(chunk: Buffer): void {
    let data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    while (data.length > 0) {
      const head = this.queue[0];
      if (head === undefined) return;
      // The marker may straddle chunks: search from just before the new bytes.
      const at = data.indexOf(this.marker);
      if (at < 0) {
        // Keep the tail that could be the start of a marker; the rest is the head's output.
        const keep = Math.min(data.length, this.marker.length - 1);
        this.append(head, data.subarray(0, data.length - keep));
        this.carry = Buffer.from(data.subarray(data.length - keep));
        return;
      }
      this.append(head, data.subarray(0, at));
      data = data.subarray(at + this.marker.length);
      this.finishHead({ timedOut: false, truncated: false });
    }
  }

  private append(p: Pending, bytes: Buffer): void {
    if (bytes.length === 0 || p.capped) return;
    if (p.size + bytes.length > p.maxBytes) {
      p.chunks.push(Buffer.from(bytes.subarray(0, p.maxBytes - p.size)));
      p.size = p.maxBytes;
      p.capped = true;
      // Over the cap: git would go on writing the rest; stop it instead (unless the marker is already here).
      queueMicrotask(() => this.cutHead(p, { timedOut: false, truncated: true }));
      return;
    }
    p.chunks.push(Buffer.from(bytes));
    p.size += bytes.length;
  }

  private finishHead(how: { timedOut: boolean; truncated: boolean }): void {
    const head = this.queue.shift();
    if (head === undefined) return;
    if (head.timer !== undefined) clearTimeout(head.timer);
    head.resolve({ stdout: Buffer.concat(head.chunks, head.size), timedOut: how.timedOut, truncated: how.truncated || head.capped });
    const next = this.queue[0];
    if (next !== undefined) this.arm(next);
    else this.armIdle();
  }

  /** End the head request early (budget or cap): stop git, answer with what came, and send the rest again. */
  private cutHead(target: Pending, how: { timedOut: boolean; truncated: boolean }): void {
    const head = this.queue[0];
    if (head !== target) return;
    const rest = this.queue.slice(1);
    this.queue = [head];
    this.kill();
    this.finishHead(how);
    this.queue = rest;
    for (const p of rest) this.send(p);
    if (rest[0] !== undefined) this.arm(rest[0]);
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    this.carry = Buffer.alloc(0);
    if (child !== undefined) {
      child.stdin.end();
      child.kill("SIGKILL");
    }
  }

  private stop(error: Error): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.kill();
    this.failAll(error);
  }

  private failAll(error: Error): void {
    const pending = this.queue;
    this.queue = [];
    for (const p of pending) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.reject(error);
    }
  }

  private armIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.queue.length === 0) this.kill();
    }, this.options.idleMs ?? 60_000);
    this.idleTimer.unref();
  }
}
