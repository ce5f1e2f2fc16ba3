// Builds the web view from a running quire's parts: the git readers, access
// rules and page cache, wired to the push bus so a push invalidates what was
// read from the moved refs. Mounted under / by http/app.ts.
import type { Hono } from "hono";
import type { Db } from "../db/open.js";
import type { ServerConfig } from "../config/types.js";
import type { DataPaths } from "../config/data-dir.js";
import type { PushBus } from "../push/bus.js";
import { AccessRules } from "./auth/access.js";
import { PageCache, type PageCacheOptions } from "./cache/page-cache.js";
import type { WebDeps, WebEnv } from "./context.js";
import { GitRegistry } from "./git/registry.js";
import { webRoutes } from "./router.js";
import { LogViews } from "./runs/log-view.js";
import { LiveUpdates } from "./live/live-updates.js";

export interface WebOptions {
  db: Db;
  config: ServerConfig;
  paths: DataPaths;
  pushes: PushBus;
  /** Public base URL for absolute links. */
  baseUrl(): string;
  log(line: string): void;
  cache?: PageCacheOptions;
}

export interface WebView {
  routes: Hono<WebEnv>;
  deps: WebDeps;
  close(): void;
}

export function createWebView(options: WebOptions): WebView {
  const git = new GitRegistry(options.paths.repos);
  // Live updates read the other parts of the view: made once those exist.
  const deps = {
    db: options.db,
    config: options.config,
    paths: options.paths,
    git,
    access: new AccessRules(),
    cache: new PageCache(options.cache),
    logs: new LogViews(),
    baseUrl: options.baseUrl,
    log: options.log,
  } as Omit<WebDeps, "live"> as WebDeps;
  deps.live = new LiveUpdates(deps);
  const unsubscribe = options.pushes.subscribe((repo) => git.invalidate(repo));
  return {
    routes: webRoutes(deps),
    deps,
    close: () => {
      unsubscribe();
      deps.live.close();
      git.close();
    },
  };
}
