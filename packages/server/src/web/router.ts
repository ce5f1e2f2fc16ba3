// The web view's routes (docs/WEB.md): assets, the repo list, and one
// dispatcher for `/REPO[/ACTION/…]` and `/REPO.git/…` that parses the path,
// finds the repository, applies the access rule once for every page (a
// private repository is a 404 to anonymous readers, as if it did not exist),
// and serves from or fills the page cache. Pages live in pages/, one per file.
import { Hono } from "hono";
import { HttpError } from "../errors.js";
import { identify } from "./auth/identity.js";
import { trustedProxyList } from "../config/trusted-proxies.js";
import type { RepoPage, RepoRequest, WebDeps, WebEnv, WebContext } from "./context.js";
import { ASSETS } from "./layout/assets.js";
import { BadPathError, displayPath, isAction, parsePath, segmentText, type Action } from "./url.js";
import { responseBody, sentBody } from "./respond.js";
import type { RepoReader } from "./git/reader.js";
import { repoListPage } from "./pages/repo-list.js";
import { repoHomePage } from "./pages/repo-home.js";
import { treePage } from "./pages/tree.js";
import { blobPage } from "./pages/blob.js";
import { rawPage } from "./pages/raw.js";
import { blamePage } from "./pages/blame.js";
import { historyPage } from "./pages/history.js";
import { archivePage } from "./pages/archive.js";
import { atomPage } from "./pages/atom.js";
import { GitBusyError } from "./git/command.js";
import { serveSmartHttp, smartHttpTarget } from "./smart-http.js";
import { runsPage } from "./pages/runs.js";
import { readableRunRepos, runListPage } from "./pages/run-list.js";
import { logPage } from "./pages/log.js";
import { commitPage } from "./pages/commit.js";
import { refsPage } from "./pages/refs.js";

/** The page for each action; `home` is `/REPO` itself. */
const PAGES: Partial<Record<Action | "home", RepoPage>> = {
  home: repoHomePage,
  tree: treePage,
  blob: blobPage,
  raw: rawPage,
  blame: blamePage,
  history: historyPage,
  archive: archivePage,
  atom: atomPage,
  runs: runsPage,
  log: logPage,
  commit: commitPage,
  refs: refsPage,
};

/** Actions whose pages are CI runs: they need an identity unless the repository sets :public-runs. */
const RUN_ACTIONS: ReadonlySet<string> = new Set(["runs"]);

export function webRoutes(web: WebDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const trusted = trustedProxyList(web.config.trustedProxies);

  app.use("*", async (c, next) => {
    const incoming = c.env?.incoming;
    const peer = { address: incoming?.socket?.remoteAddress, unixSocket: c.env?.unixSocket === true };
    c.set("identity", identify(peer, c.req.header("Remote-User"), trusted));
    c.set("cachePolicy", "none");
    await next();
  });

  app.get("/-/:name", (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (asset === undefined) throw new HttpError(404, "not_found", `no asset ${JSON.stringify(c.req.param("name"))}`);
    return new Response(asset.body, {
      headers: { "Content-Type": asset.type, "Cache-Control": "public, max-age=31536000, immutable", ETag: asset.etag, "X-Content-Type-Options": "nosniff" },
    });
  });

  app.get("/", (c) => repoListPage(c, web));
  // Every repository's runs, each repository under its own rule: private ones
  // never to anonymous readers, and only those with :public-runs without an identity.
  app.get("/runs", async (c) => {
    const identity = c.get("identity");
    const repos = await readableRunRepos(web, identity);
    return runListPage({ c, web, identity, ...(repos === undefined ? {} : { repos }) });
  });
  app.get("/runs/live", async (c) => web.live.listStream(c, { identity: c.get("identity") }));
  app.all("*", (c) => dispatch(c, web));
  return app;
}

/** Find the repository a path names: `name` or `group/name`, before an action or at the end. */
async function findRepo(web: WebDeps, segments: Buffer[]): Promise<{ reader: RepoReader; used: number } | null> {
  const texts = segments.slice(0, 3).map((s) => segmentText(s));
  for (const used of [1, 2]) {
    if (segments.length < used) break;
    const next = texts[used];
    if (segments.length > used && (next === undefined || !isAction(next))) continue;
    const name = texts.slice(0, used);
    if (name.some((t) => t === undefined)) return null;
    const reader = await web.git.open(name.join("/"));
    if (reader !== null) return { reader, used };
  }
  return null;
}

/** Expensive work (blame, line history, archives, packs) is limited server-wide: beyond it, ask to retry. */
function busy(e: unknown): never {
  if (e instanceof GitBusyError) throw new HttpError(503, "busy", e.message);
  throw e;
}

async function dispatch(c: WebContext, web: WebDeps): Promise<Response> {
  const url = new URL(c.req.url);
  // The request target as sent: URL parsing would fold "..", ".%2e" and the like before they could be refused.
  const rawPath = c.env?.incoming?.url?.split("?")[0] ?? url.pathname;
  let segments: Buffer[];
  try {
    segments = parsePath(rawPath);
  } catch (e) {
    if (e instanceof BadPathError) throw new HttpError(400, "bad_request", e.message);
    throw e;
  }
  const notFound = () => new HttpError(404, "not_found", `nothing at /${displayPath(segments)}: no such repository or page`);
  // `/REPO.git/…` is git's smart HTTP (clone and fetch); `/REPO.git` alone is the repository's home.
  const smart = smartHttpTarget(segments);
  const found = smart === null ? await findRepo(web, segments) : await web.git.open(smart.repo).then((r) => (r === null ? null : { reader: r, used: smart.used }));
  if (found === null) throw notFound();
  const { reader, used } = found;
  const identity = c.get("identity");
  const access = await web.access.access(reader);
  // Private means absent: the same 404 a missing repository gets, on every path.
  if (access.private && identity === null) throw notFound();
  if (smart !== null) return serveSmartHttp({ c, web, reader, access, identity, rest: segments.slice(used) }).catch(busy);
  const action = segments.length > used ? segmentText(segments[used]!)! : "home";
  const page = PAGES[action as Action | "home"];
  if (page === undefined) throw notFound();
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    throw new HttpError(405, "method_not_allowed", `${c.req.method} is not allowed here: the web view is read-only`);
  }
  if (RUN_ACTIONS.has(action) && !(await web.access.canReadRuns(reader, identity))) {
    throw new HttpError(403, "forbidden", `CI runs of ${reader.slug} are shown to signed-in readers only (the repository does not set :public-runs)`);
  }
  const req: RepoRequest = { c, web, reader, access, identity, rest: segments.slice(used + 1) };
  // Pages name who is signed in, so each identity has its own entries.
  const key = `${identity === null ? "" : identity.user}|${url.pathname}${url.search}`;
  const generation = reader.generation;
  const cached = web.cache.get(key, generation);
  if (cached !== undefined) {
    const etag = cached.headers.find(([k]) => k.toLowerCase() === "etag")?.[1];
    const inm = c.req.header("If-None-Match");
    if (etag !== undefined && inm !== undefined && inm.split(",").some((t) => t.trim() === etag)) {
      return new Response(null, { status: 304, headers: cached.headers });
    }
    return new Response(responseBody(cached.body), { status: cached.status, headers: cached.headers });
  }
  const response = await page(req).catch(busy);
  const policy = c.get("cachePolicy");
  if (policy !== "none" && response.status === 200 && response.body !== null) {
    // A page made by send() gives its bytes as they are; any other is read once, then answered from the copy.
    const sent = sentBody(response);
    const body = sent ?? Buffer.from(await response.arrayBuffer());
    const headers = [...response.headers.entries()];
    web.cache.set(key, { status: 200, headers, body, generation, policy });
    return sent !== undefined ? response : new Response(responseBody(body), { status: 200, headers });
  }
  return response;
}
