// The client side of <data>/server.sock: send one request line, read one
// reply line. A missing or refusing socket means "the server is down", which
// callers treat as a warning, not a failure.
import net from "node:net";
import { REPLY_TIMEOUT_MS, type SocketReply, type SocketRequest } from "./protocol.js";

export type SendResult =
  | { status: "answered"; reply: SocketReply }
  | { status: "down"; reason: string }
  | { status: "no-answer"; reason: string };

function isReply(value: unknown): value is SocketReply {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.ok === true || (v.ok === false && typeof v.error === "string");
}

/** Send `request` to the server listening on `socketPath` and wait for its reply. */
export function sendToServer(socketPath: string, request: SocketRequest, timeoutMs = REPLY_TIMEOUT_MS): Promise<SendResult> {
  return new Promise((resolve) => {
    let settled = false;
    let buffer = "";
    let connected = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const socket = net.createConnection(socketPath);
    const timer = setTimeout(
      () => finish({ status: "no-answer", reason: `no answer within ${Math.round(timeoutMs / 1000)} s` }),
      timeoutMs,
    );
    socket.setEncoding("utf8");
    socket.on("connect", () => {
      connected = true;
      socket.write(JSON.stringify(request) + "\n");
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf("\n");
      if (nl < 0) return;
      try {
        const reply: unknown = JSON.parse(buffer.slice(0, nl));
        if (isReply(reply)) finish({ status: "answered", reply });
        else finish({ status: "no-answer", reason: "the server answered something that is not a reply" });
      } catch {
        finish({ status: "no-answer", reason: "the server answered with malformed JSON" });
      }
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (!connected && (e.code === "ENOENT" || e.code === "ECONNREFUSED" || e.code === "ENOTSOCK")) {
        finish({ status: "down", reason: e.code === "ENOENT" ? `no socket at ${socketPath}` : `nothing listens on ${socketPath}` });
      } else finish({ status: connected ? "no-answer" : "down", reason: e.message });
    });
    socket.on("close", () => finish({ status: "no-answer", reason: "the server closed the connection without answering" }));
  });
}
