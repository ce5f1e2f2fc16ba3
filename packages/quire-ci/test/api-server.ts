// A real HTTP server on 127.0.0.1 speaking the run API of SPEC §6 the way the
// quire server does (bearer token, seq applied once, 409 with expected_seq),
// recording every request with its arrival time. Tests steer it with hooks.
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { parseEvent, type BootstrapPayload, type RunEvent } from "@quire/shared";
import { PUSH } from "./helpers.js";

export interface ApiRequest {
  method: string;
  path: string;
  auth: string | undefined;
  atMs: number;
}

export interface ApiServerOptions {
  token: string;
  secrets?: Record<string, string>;
  maxParallelJobs?: number;
  /** Most bytes the pipeline's Lua may hold (settings.pipeline_memory_bytes); absent: quire-ci's default. */
  pipelineMemoryBytes?: number;
  /** Answer this many event POSTs with 503 first. */
  failEvents?: number;
  /** Status for the bootstrap request (default 200). */
  bootstrapStatus?: number;
  onEvent?: (event: RunEvent, server: ApiServer) => void;
  /** Serve https:// with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export class ApiServer {
  readonly requests: ApiRequest[] = [];
  readonly events: RunEvent[] = [];
  readonly eventArrivals: number[] = [];
  private readonly sockets = new Set<Socket>();
  private server: http.Server | https.Server;
  private failuresLeft: number;
  url = "";

  constructor(private readonly options: ApiServerOptions) {
    this.failuresLeft = options.failEvents ?? 0;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `${this.options.tls ? "https" : "http"}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stop listening and cut every open connection: the server is gone. */
  async kill(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  payload(): BootstrapPayload {
    return {
      run_id: "run-1",
      repo: "demo.git",
      ref: PUSH.ref,
      sha: PUSH.sha,
      queued_at_ms: Date.now() - 10,
      started_at_ms: Date.now(),
      push: PUSH,
      secret_names: Object.keys(this.options.secrets ?? {}),
      settings: {
        max_parallel_jobs: this.options.maxParallelJobs ?? 1,
        ...(this.options.pipelineMemoryBytes === undefined ? {} : { pipeline_memory_bytes: this.options.pipelineMemoryBytes }),
      },
    };
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://x");
    this.requests.push({ method: req.method ?? "", path: url.pathname, auth: req.headers.authorization, atMs: Date.now() });
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      return this.json(res, 401, { error: { code: "unauthorized", message: "bad token" } });
    }
    if (req.method === "GET" && url.pathname === "/api/run/bootstrap") {
      const status = this.options.bootstrapStatus ?? 200;
      if (status !== 200) return this.json(res, status, { error: { code: "conflict", message: "already bootstrapped" } });
      return this.json(res, 200, this.payload());
    }
    if (req.method === "GET" && url.pathname.startsWith("/api/run/secret/")) {
      const name = decodeURIComponent(url.pathname.slice("/api/run/secret/".length));
      const value = this.options.secrets?.[name];
      if (value === undefined) return this.json(res, 404, { error: { code: "not_found", message: `no secret ${name}` } });
      return this.json(res, 200, { name, value });
    }
    if (req.method === "POST" && url.pathname === "/api/run/events") {
      if (this.failuresLeft > 0) {
        this.failuresLeft--;
        return this.json(res, 503, { error: { code: "unavailable", message: "try later" } });
      }
      const value = JSON.parse(body) as unknown;
      const list = (Array.isArray(value) ? value : [value]).map((v) => parseEvent(v));
      for (const event of list) {
        const expected = this.events.length + 1;
        if (event.seq !== expected) {
          return this.json(res, 409, { error: { code: "seq_out_of_order", message: "out of order", expected_seq: expected } });
        }
        this.events.push(event);
        this.eventArrivals.push(Date.now());
        this.options.onEvent?.(event, this);
      }
      return this.json(res, 200, { applied: list.length, last_seq: this.events.length, ignored: [] });
    }
    return this.json(res, 404, { error: { code: "not_found", message: url.pathname } });
  }
}
