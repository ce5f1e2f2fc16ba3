// The spawn helper's program: a small Node process the server starts once
// (spawn-helper.ts) that starts git for it, so each fork copies this
// process's few pages instead of the server's heap. It relays each child's
// stdio as frames (spawn-frames.ts) and kills every child, then exits, when
// the server's end of its stdin closes (the server exited, even by kill -9).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { encodeFrame, FrameReader, FROM_HELPER, TO_HELPER, type SpawnFailure, type SpawnRequest } from "./spawn-frames.js";

const children = new Map<number, ChildProcessWithoutNullStreams>();
let closing = false;

function send(type: number, id: number, payload?: Buffer | string): void {
  process.stdout.write(encodeFrame(type, id, payload));
}

function start(id: number, request: SpawnRequest): void {
  const child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, stdio: ["pipe", "pipe", "pipe"] });
  children.set(id, child);
  child.on("spawn", () => send(FROM_HELPER.spawned, id, JSON.stringify({ pid: child.pid })));
  child.on("error", (e: NodeJS.ErrnoException) => {
    const failure: SpawnFailure = { message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path };
    send(FROM_HELPER.error, id, JSON.stringify(failure));
  });
  child.stdout.on("data", (chunk: Buffer) => send(FROM_HELPER.stdout, id, chunk));
  child.stderr.on("data", (chunk: Buffer) => send(FROM_HELPER.stderr, id, chunk));
  // The server's side of stdin reports nothing: a child that stops reading early is no error.
  child.stdin.on("error", () => {});
  child.on("close", (code, signal) => {
    children.delete(id);
    send(FROM_HELPER.close, id, JSON.stringify({ code, signal }));
    if (closing && children.size === 0) process.exit(0);
  });
}

function onFrame(type: number, id: number, payload: Buffer): void {
  if (type === TO_HELPER.spawn) {
    start(id, JSON.parse(payload.toString("utf8")) as SpawnRequest);
    return;
  }
  const child = children.get(id);
  if (child === undefined) return;
  switch (type) {
    case TO_HELPER.stdin:
      child.stdin.write(payload);
      break;
    case TO_HELPER.stdinEnd:
      child.stdin.end();
      break;
    case TO_HELPER.kill:
      child.kill(payload.toString("utf8") as NodeJS.Signals);
      break;
    case TO_HELPER.pause:
      child.stdout.pause();
      break;
    case TO_HELPER.resume:
      child.stdout.resume();
      break;
  }
}

/** The server is gone: nothing it started may outlive it. */
function shutDown(): void {
  if (closing) return;
  closing = true;
  for (const child of children.values()) child.kill("SIGKILL");
  if (children.size === 0) process.exit(0);
  // Exit once every child is reaped (not left a zombie for an init that may not reap), or soon regardless.
  setTimeout(() => process.exit(0), 2000).unref();
}

const reader = new FrameReader(onFrame);
process.stdin.on("data", (chunk: Buffer) => reader.push(chunk));
process.stdin.on("end", shutDown);
process.stdin.on("error", shutDown);
// The server stopped reading (it died): writes fail with EPIPE.
process.stdout.on("error", shutDown);
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, shutDown);
