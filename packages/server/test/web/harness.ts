// A real quire for web tests: startQuire on a throwaway data directory with
// the push socket attached, fixture repositories under <data>/repos, and a
// small HTTP client that speaks to it over loopback (or its Unix socket).
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PushEvent } from "@quire/shared";
import { startQuire, type QuireHandle } from "../../src/serve/start.js";
import type { ServerConfig } from "../../src/config/types.js";
import { attachPushSocket } from "../../src/push/attach.js";
import { sendToServer } from "../../src/push/client.js";

export interface WebHarness {
  quire: QuireHandle;
  dataDir: string;
  reposDir: string;
  base: string;
  /** GET (or another method) `urlPath` over loopback TCP. */
  get(urlPath: string, options?: RequestOptions): Promise<WebResponse>;
  /** Tell the server of a push, through the real push socket. */
  push(event: Omit<PushEvent, "type" | "pushed_at_ms"> & { pushed_at_ms?: number }): Promise<void>;
  close(): Promise<void>;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send through this Unix socket instead of TCP. */
  socketPath?: string;
}

export interface WebResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** Raw HTTP: the path is sent exactly as given (no URL normalisation), which the path tests need. */
export function request(base: string, urlPath: string, options: RequestOptions = {}): Promise<WebResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        ...(options.socketPath === undefined ? { host: u.hostname, port: u.port } : { socketPath: options.socketPath }),
        path: urlPath,
        method: options.method ?? "GET",
        headers: { Accept: "text/html", ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Start quire with `setup(reposDir)` run first to place repositories. */
export async function startWeb(setup: (reposDir: string) => void | Promise<void>, config: Partial<ServerConfig> = {}): Promise<WebHarness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "quire-web-"));
  const reposDir = path.join(dataDir, "repos");
  await import("node:fs/promises").then((fs) => fs.mkdir(reposDir, { recursive: true }));
  await setup(reposDir);
  const quire = await startQuire({ dataDir, config: { port: 0, ...config }, log: () => {} });
  await attachPushSocket(quire);
  const base = quire.url;
  return {
    quire,
    dataDir,
    reposDir,
    base,
    get: (urlPath, options) => request(base, urlPath, options),
    push: async (event) => {
      const result = await sendToServer(quire.paths.socket, { type: "push", pushed_at_ms: Date.now(), ...event } as PushEvent);
      if (result.status !== "answered" || !result.reply.ok) throw new Error(`push was not taken: ${JSON.stringify(result)}`);
    },
    close: async () => {
      await quire.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
