// The Hono app factory: /healthz, the run API (/api/run/*, bearer run
// tokens) and, when given its parts, the web view (web/), with one onError
// that answers JSON to the API and an HTML page to browsers.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Db } from "../db/open.js";
import type { ServerConfig } from "../config/types.js";
import { HttpError } from "../errors.js";
import { bootstrapRoute } from "./api/bootstrap.js";
import { eventsRoute } from "./api/events.js";
import { filesRoute } from "./api/files.js";
import { runnerRoutes, type RunnerApiOptions } from "./api/runner.js";
import { secretRoute } from "./api/secret.js";
import { workspaceRoute } from "./api/workspace.js";
import { runnerToken } from "./middleware/runner-token.js";
import { runToken } from "./middleware/run-token.js";
import { makeOnError } from "./on-error.js";
import { errorPage } from "../web/layout/error-page.js";
import type { WebView } from "../web/app.js";

export interface AppOptions {
  db: Db;
  config: Pick<ServerConfig, "secrets" | "maxParallelJobs"> & Partial<Pick<ServerConfig, "shLogCapBytes" | "runLogCapBytes" | "logFreeSpaceBytes" | "pipelineMemoryBytes">>;
  log?: (line: string) => void;
  /** Largest request body accepted (default 8 MiB). */
  maxBodyBytes?: number;
  /** The web view, mounted under / (without it every other path is a 404). */
  web?: WebView;
  /** More of /healthz's body (the launcher, how limits are held). */
  health?: () => Record<string, unknown>;
  /** Runners on other hosts: /api/runner/*, and the workspace and files of their runs. */
  runners?: Omit<RunnerApiOptions, "db"> & { reposDir: string; maxFileBytes: number };
}

export function createApp(options: AppOptions): Hono {
  const { db, config } = options;
  const maxBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const app = new Hono();
  app.onError(makeOnError(options.log ?? ((line) => process.stderr.write(line + "\n")), { html: options.web === undefined ? undefined : errorPage }));
  app.notFound((c) => {
    throw new HttpError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`);
  });
  app.get("/healthz", (c) => c.json({ status: "ok", ...options.health?.() }));
  const api = new Hono();
  api.use(
    "*",
    bodyLimit({
      maxSize: maxBytes,
      onError: () => {
        throw new HttpError(413, "payload_too_large", `request body is over ${maxBytes} bytes; send events in smaller batches`);
      },
    }),
  );
  api.use("*", runToken(db));
  api.route("/bootstrap", bootstrapRoute(db, config));
  // Live pages look at the run as soon as its events are applied.
  api.route("/events", eventsRoute(db, () => options.web?.deps.live.poke()));
  api.route("/secret", secretRoute(db, config, options.log ?? ((line) => process.stderr.write(line + "\n"))));
  if (options.runners !== undefined) {
    api.route("/workspace", workspaceRoute(options.runners.reposDir));
    api.route("/files", filesRoute(options.runners.runsDir, options.runners.maxFileBytes));
  }
  app.route("/api/run", api);
  if (options.runners !== undefined) {
    const runner = new Hono();
    runner.use("*", bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new HttpError(413, "payload_too_large", "runner requests are small JSON bodies"); } }));
    runner.use("*", runnerToken(db));
    runner.route("/", runnerRoutes({ db, ...options.runners }) as unknown as Hono);
    app.route("/api/runner", runner);
  }
  if (options.web !== undefined) app.route("/", options.web.routes as unknown as Hono);
  return app;
}
