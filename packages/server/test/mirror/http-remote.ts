// A real smart-HTTP git remote for tests: `git http-backend` (CGI) behind a
// small Node HTTP server on loopback that demands HTTP basic auth, and can be
// made slow. Every request's URL and Authorization header is recorded.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpRemoteOptions {
  /** Directory holding the bare repositories served (GIT_PROJECT_ROOT). */
  root: string;
  /** The only accepted credentials, as `user:password`; undefined: no auth. */
  credentials?: string;
  /** Hold every request this long before answering (a slow target). */
  delayMs?: number;
  /** Answer the first N authenticated requests with 503 (a target having a bad minute). */
  failRequests?: number;
  /** Hold every request until this settles (a target that hangs until the test lets go). */
  gate?: Promise<void>;
  /** Serve fetches and clones without credentials, as a public repository does; pushes still need them. */
  anonymousRead?: boolean;
}

export interface HttpRemote {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Every request as the server saw it: method, URL (path and query), Authorization header. */
  requests: { method: string; url: string; authorization: string | undefined }[];
  /** Requests refused with 401. */
  refused(): number;
  /** Requests answered (after auth) by http-backend. */
  served(): number;
  close(): Promise<void>;
}

function cgi(req: http.IncomingMessage, res: http.ServerResponse, root: string, user: string): void {
  const url = new URL(req.url!, "http://remote.invalid");
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      REQUEST_METHOD: req.method!,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      ...(req.headers["content-length"] ? { CONTENT_LENGTH: req.headers["content-length"] } : {}),
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      REMOTE_USER: user,
      REMOTE_ADDR: "127.0.0.1",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  req.pipe(child.stdin);
  child.stdin.on("error", () => {});
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const i = line.indexOf(":");
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.on("close", () => {
    if (!headersDone) res.writeHead(500).end("http-backend wrote no headers");
    else res.end();
  });
}

/** Start the remote; close() stops it. */
export async function startHttpRemote(options: HttpRemoteOptions): Promise<HttpRemote> {
  const requests: HttpRemote["requests"] = [];
  let refused = 0;
  let served = 0;
  let failing = options.failRequests ?? 0;
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
    const go = () => {
      let user = "anonymous";
      const reading = /service=git-upload-pack|\/git-upload-pack$/.test(req.url!);
      if (options.credentials !== undefined && !(options.anonymousRead && reading)) {
        const expected = `Basic ${Buffer.from(options.credentials).toString("base64")}`;
        if (req.headers.authorization !== expected) {
          refused++;
          req.resume();
          res.writeHead(401, { "WWW-Authenticate": 'Basic realm="test remote"', "Content-Type": "text/plain" }).end("authentication required\n");
          return;
        }
        user = options.credentials.split(":")[0]!.slice(0, 4);
      }
      if (failing > 0) {
        failing--;
        req.resume();
        res.writeHead(503, { "Content-Type": "text/plain" }).end("try again later\n");
        return;
      }
      served++;
      cgi(req, res, options.root, user);
    };
    if (options.gate) void options.gate.then(go);
    else if (options.delayMs) setTimeout(go, options.delayMs);
    else go();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    refused: () => refused,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
