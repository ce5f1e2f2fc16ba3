// What every web page can reach: the database, config, the git readers, the
// access rules and the page cache, plus the Hono environment type that
// carries the request's identity. Built once by web/app.ts.
import type { Context } from "hono";
import type { IncomingMessage } from "node:http";
import type { Db } from "../db/open.js";
import type { ServerConfig } from "../config/types.js";
import type { DataPaths } from "../config/data-dir.js";
import type { GitRegistry } from "./git/registry.js";
import type { AccessRules, RepoAccess } from "./auth/access.js";
import type { Identity } from "./auth/identity.js";
import type { PageCache, CachePolicy } from "./cache/page-cache.js";
import type { RepoReader } from "./git/reader.js";
import type { LogViews } from "./runs/log-view.js";

export interface WebDeps {
  db: Db;
  config: ServerConfig;
  paths: DataPaths;
  git: GitRegistry;
  access: AccessRules;
  cache: PageCache;
  /** Run logs as read so far, shared by run pages and live streams. */
  logs: LogViews;
  /** Live updates of run pages and lists (web/live/). */
  live: LiveStreams;
  /** Public base URL for absolute links (clone URLs, feeds), without a trailing slash. */
  baseUrl(): string;
  log(line: string): void;
}

/** Hono bindings: what @hono/node-server passes, plus the Unix-socket mark set by serve/start.ts. */
export interface WebBindings {
  incoming?: IncomingMessage;
  unixSocket?: boolean;
}

export interface WebEnv {
  Bindings: WebBindings;
  Variables: {
    identity: Identity | null;
    /** How the page just rendered may be cached; set by respond.ts. */
    cachePolicy: CachePolicy;
  };
}

export type WebContext = Context<WebEnv>;

/** The live streams pages link to (implemented by web/live/live-updates.ts). */
export interface LiveStreams {
  /** `/REPO/runs/ID/live`. */
  runStream(req: RepoRequest, id: string): Promise<Response>;
  /** `/REPO/runs/live` (`repos` set) and `/runs/live`. */
  listStream(c: WebContext, filter: { repos?: readonly string[]; identity: Identity | null }): Promise<Response>;
  /** A run changed just now: look at once. */
  poke(): void;
  close(): void;
}

/** A request for one repository's page, after the access check. */
export interface RepoRequest {
  c: WebContext;
  web: WebDeps;
  reader: RepoReader;
  access: RepoAccess;
  identity: Identity | null;
  /** Decoded path segments after the action (`tree`, `blob`…). */
  rest: Buffer[];
}

/** A page of one repository: `/REPO/<action>/…`. */
export type RepoPage = (req: RepoRequest) => Promise<Response>;
