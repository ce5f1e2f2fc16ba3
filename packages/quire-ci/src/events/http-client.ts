// Minimal HTTP/1.1 client on node:http for the server API (bootstrap, events,
// secrets): bearer auth, keep-alive, JSON. node:http rather than fetch keeps
// startup lean (fetch loads its implementation on first use). https:// is for
// runners on other hosts (docs/SCALING.md); node:https loads only then.
import http from "node:http";
import { createRequire } from "node:module";

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly transport: typeof http;
  readonly base: URL;

  constructor(serverUrl: string, private readonly token: string) {
    this.base = new URL(serverUrl.endsWith("/") ? serverUrl : serverUrl + "/");
    if (this.base.protocol === "http:") this.transport = http;
    else if (this.base.protocol === "https:") this.transport = createRequire(import.meta.url)("node:https") as typeof http;
    else throw new Error(`server URL ${JSON.stringify(serverUrl)} must be http:// or https://`);
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 4 });
  }

  /** `onSent` is called once the request has been handed to the OS; `extra` headers go with it. */
  request(
    method: "GET" | "POST",
    apiPath: string,
    body?: string,
    timeoutMs = 10_000,
    onSent?: () => void,
    extra: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const url = new URL(apiPath.replace(/^\//, ""), this.base);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...extra, authorization: `Bearer ${this.token}`, accept: "application/json" };
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(body);
      }
      const req = this.transport.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`)));
      req.on("error", reject);
      if (onSent) req.on("finish", onSent);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
