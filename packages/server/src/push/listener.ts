// The <data>/server.sock listener inside `quire serve`: one JSON request per
// connection, parsed at the edge; a malformed one is refused with a logged
// reason and an error reply, and never takes the server down.
import net from "node:net";
import { chmod, unlink } from "node:fs/promises";
import { parsePushEvent, SchemaError } from "@quire/shared";
import { MAX_REQUEST_BYTES, type SocketReply } from "./protocol.js";
import { triggerPush, type PushTarget } from "./trigger.js";
import { RepoNameError, RepoNotFoundError } from "../git/errors.js";
import { RunNotFoundError } from "../errors.js";

export interface PushListenerOptions extends PushTarget {
  socketPath: string;
  /** Cancel a run on behalf of `quire ci cancel`; resolves to a message for the terminal. */
  cancelRun?: (runId: string) => Promise<string>;
  /** Queue the push spool now (the hook spooled a push too long to send); resolves to a message for the pusher. */
  drainSpool?: () => Promise<string>;
  log: (line: string) => void;
}

export interface PushListener {
  close(): Promise<void>;
}

async function answer(line: string, options: PushListenerOptions): Promise<SocketReply> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: "the request is not JSON: send one JSON object on one line" };
  }
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type === "wake") {
    options.wake();
    return { ok: true };
  }
  if (type === "drain") {
    if (options.drainSpool === undefined) return { ok: false, error: "this server does not queue the spool on request" };
    return { ok: true, message: await options.drainSpool() };
  }
  if (type === "cancel") {
    const runId = (value as { run_id?: unknown }).run_id;
    if (typeof runId !== "string" || runId === "") return { ok: false, error: 'cancel needs "run_id", a run id string' };
    if (options.cancelRun === undefined) return { ok: false, error: "this server cannot cancel runs" };
    return { ok: true, message: await options.cancelRun(runId) };
  }
  if (type !== "push") return { ok: false, error: `unknown request type ${JSON.stringify(type)}: expected "push", "wake", "drain" or "cancel"` };
  const event = parsePushEvent(value);
  const result = await triggerPush(event, options);
  if (result.repeated === true) {
    options.log(`push ${event.repo}: push id ${event.push_id} was already handled; answered with its runs again`);
    return { ok: true, ...result };
  }
  options.log(
    `push ${event.repo}: ${result.runs.map((r) => `run ${r.id} for ${r.ref}`).join(", ") || "no runs"}` +
      (result.skipped.length > 0 ? `; skipped ${result.skipped.map((s) => `${s.ref} (${s.reason})`).join(", ")}` : ""),
  );
  return { ok: true, ...result };
}

function handleConnection(socket: net.Socket, options: PushListenerOptions): void {
  let buffer = "";
  let done = false;
  socket.setEncoding("utf8");
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on("error", () => {
    // A client that went away mid-request is not the server's problem.
  });
  const reply = (r: SocketReply) => {
    done = true;
    if (!r.ok) options.log(`push socket: refused a request: ${r.error}`);
    if (!socket.destroyed) socket.end(JSON.stringify(r) + "\n");
  };
  socket.on("data", (chunk: string) => {
    if (done) return;
    buffer += chunk;
    const nl = buffer.indexOf("\n");
    if (nl < 0) {
      if (Buffer.byteLength(buffer) > MAX_REQUEST_BYTES) reply({ ok: false, error: `the request is longer than ${MAX_REQUEST_BYTES} bytes` });
      return;
    }
    done = true;
    answer(buffer.slice(0, nl), options).then(reply, (e: unknown) => {
      if (e instanceof SchemaError || e instanceof RepoNameError || e instanceof RepoNotFoundError || e instanceof RunNotFoundError) {
        reply({ ok: false, error: e.message });
      }
      else {
        options.log(`push socket: request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        reply({ ok: false, error: `the server could not handle the request: ${e instanceof Error ? e.message : String(e)}` });
      }
    });
  });
  socket.on("end", () => {
    if (!done) reply({ ok: false, error: "the request ended without a newline" });
  });
}

/** Is another process answering on `socketPath`? */
export function socketAlive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection(socketPath);
    s.on("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

/**
 * Listen on `socketPath` (mode 0600). A stale socket file left by a dead
 * server is replaced; a live one means another `quire serve` owns this data
 * directory, which is an error.
 */
export async function startPushListener(options: PushListenerOptions): Promise<PushListener> {
  const { socketPath } = options;
  // Unix socket paths are limited to 107 bytes on Linux; say so instead of EINVAL.
  if (Buffer.byteLength(socketPath) > 107) {
    throw new Error(`the push socket path ${socketPath} is ${Buffer.byteLength(socketPath)} bytes, over the 107 a Unix socket allows; use a shorter --data-dir`);
  }
  if (await socketAlive(socketPath)) {
    throw new Error(`another quire serve is already listening on ${socketPath}; stop it or use another --data-dir`);
  }
  await unlink(socketPath).catch(() => {});
  // Half-open: a client may end its side right after the request and still read the reply.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => handleConnection(socket, options));
  server.on("error", (e) => options.log(`push socket: ${e.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        unlink(socketPath).catch(() => {});
      }),
  };
}
