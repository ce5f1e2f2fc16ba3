// Read-only smart HTTP for `git clone` and `git fetch` at `/REPO.git/…`: the
// ref advertisement (`info/refs?service=git-upload-pack`) and the pack
// exchange (`POST git-upload-pack`), both `git upload-pack --stateless-rpc`
// through the reader, protocol v2 when the client asks (`Git-Protocol`).
// Pushes go over SSH: receive-pack is refused, the dumb protocol not served.
// The router has found the repository and applied the access rule already.
import { gunzipSync } from "node:zlib";
import type { RepoRequest } from "./context.js";
import { responseBody } from "./git/stream-body.js";
import { WEB_LIMITS } from "./limits.js";
import { segmentText } from "./url.js";
import { cloneHost } from "./pages/repo-home.js";

/** Largest request body (after gunzip) a fetch may send: its wants and haves. */
export const MAX_UPLOAD_REQUEST_BYTES = 16 * 1024 * 1024;

/** Where a path names a repository as `REPO.git` (or `group/REPO.git`) followed by more: the smart-HTTP endpoints. */
export function smartHttpTarget(segments: readonly Buffer[]): { repo: string; used: number } | null {
  for (const used of [1, 2]) {
    if (segments.length <= used) break;
    const texts = segments.slice(0, used).map(segmentText);
    if (texts.some((t) => t === undefined)) return null;
    if (texts[used - 1]!.endsWith(".git")) return { repo: texts.join("/"), used };
  }
  return null;
}

const NO_CACHE = { "Cache-Control": "no-cache, max-age=0, must-revalidate", Expires: "Fri, 01 Jan 1980 00:00:00 GMT", Pragma: "no-cache" };

/** A plain-text answer: git shows its lines to the user as `remote: …`. */
function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...NO_CACHE, ...headers } });
}

/** One pkt-line: four hex digits of length, then the payload. */
function pktLine(payload: string): string {
  return (payload.length + 4).toString(16).padStart(4, "0") + payload;
}

/** The client's `Git-Protocol` header, passed to git as GIT_PROTOCOL when it is well formed. */
function protocolEnv(header: string | undefined): NodeJS.ProcessEnv {
  return header !== undefined && /^[A-Za-z0-9=:._-]{1,256}$/.test(header) ? { GIT_PROTOCOL: header } : {};
}

function isV2(header: string | undefined): boolean {
  return header !== undefined && header.split(":").includes("version=2");
}

function pushRefusal(req: RepoRequest): Response {
  const host = cloneHost(req.web.baseUrl());
  return text(403, `Pushing over HTTP is not supported: this server is read-only over HTTP. Push over SSH instead: git push git@${host}:${req.reader.name}`);
}

/** Serve `/REPO.git/<rest>`; `rest` is what follows the repository. */
export async function serveSmartHttp(req: RepoRequest): Promise<Response> {
  const { c } = req;
  const rest = req.rest.map((s) => s.toString("latin1")).join("/");
  const method = c.req.method;
  const protocol = c.req.header("Git-Protocol");
  if (rest === "info/refs") {
    if (method !== "GET" && method !== "HEAD") return text(405, `${method} is not allowed on info/refs`, { Allow: "GET" });
    const service = c.req.query("service");
    if (service === "git-receive-pack") return pushRefusal(req);
    if (service !== "git-upload-pack") {
      return text(403, service === undefined ? "This server speaks only the smart HTTP protocol (git 1.6.6 or later); the dumb protocol is not served." : `Unknown service ${JSON.stringify(service.slice(0, 40))}: only git-upload-pack (clone and fetch) is served.`);
    }
    const headers = { "Content-Type": "application/x-git-upload-pack-advertisement", ...NO_CACHE };
    if (method === "HEAD") return new Response(null, { status: 200, headers });
    const proc = await req.reader.stream(["upload-pack", "--stateless-rpc", "--advertise-refs", "."], { timeoutMs: WEB_LIMITS.uploadPackMs, env: protocolEnv(protocol) });
    const body = responseBody(proc, "git upload-pack");
    // Protocol v0/v1 clients expect the service announced first; v2 starts with its capabilities.
    if (isV2(protocol)) return new Response(body, { status: 200, headers });
    const prefix = new TextEncoder().encode(`${pktLine("# service=git-upload-pack\n")}0000`);
    return new Response(withPrefix(prefix, body), { status: 200, headers });
  }
  if (rest === "git-upload-pack") {
    if (method !== "POST") return text(405, `${method} is not allowed on git-upload-pack: git POSTs to it`, { Allow: "POST" });
    if (c.req.header("Content-Type") !== "application/x-git-upload-pack-request") {
      return text(415, "git-upload-pack takes a body of type application/x-git-upload-pack-request, as git sends it");
    }
    const body = await readRequest(req);
    if (body instanceof Response) return body;
    const proc = await req.reader.stream(["upload-pack", "--stateless-rpc", "."], {
      heavy: true,
      timeoutMs: WEB_LIMITS.uploadPackMs,
      env: protocolEnv(protocol),
      stdin: body,
    });
    return new Response(responseBody(proc, "git upload-pack"), { status: 200, headers: { "Content-Type": "application/x-git-upload-pack-result", ...NO_CACHE } });
  }
  if (rest === "git-receive-pack") return pushRefusal(req);
  return text(404, `Nothing at ${rest === "" ? "this path" : JSON.stringify(rest.slice(0, 80))}: this server serves clone and fetch over smart HTTP only (info/refs and git-upload-pack).`);
}

/** The request body, gunzipped when git compressed it, or the answer that refuses it. */
async function readRequest(req: RepoRequest): Promise<Buffer | Response> {
  const { c } = req;
  const encoding = (c.req.header("Content-Encoding") ?? "identity").toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    return text(415, `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported: send the request plain or gzipped`);
  }
  const tooBig = () => text(413, `The fetch request is larger than ${MAX_UPLOAD_REQUEST_BYTES / 1024 / 1024} MiB; fetch fewer refs at once`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = c.req.raw.body?.getReader();
  if (reader !== undefined) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      // Compressed requests may not be larger than the limit either: checked again after gunzip.
      if (size > MAX_UPLOAD_REQUEST_BYTES) {
        await reader.cancel();
        return tooBig();
      }
      chunks.push(value);
    }
  }
  const raw = Buffer.concat(chunks, size);
  if (encoding === "identity") return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: MAX_UPLOAD_REQUEST_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) return tooBig();
    return text(400, "The request says it is gzipped but does not gunzip");
  }
}

/** `prefix`, then everything `body` gives. */
function withPrefix(prefix: Uint8Array, body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let sent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(prefix);
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
