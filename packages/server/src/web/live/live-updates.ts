// The web view's live updates (docs/WEB.md, "Live updates"): the streams of
// run pages and run lists over Server-Sent Events, fed by one RunWatch and
// one follower per watched run. Pages link to these; the router has applied
// the access rule for runs before any stream opens.
import { HttpError } from "../../errors.js";
import type { RepoRequest, WebContext, WebDeps } from "../context.js";
import { parseRunFilter } from "../pages/run-list.js";
import { runOr404 } from "../pages/run.js";
import { CursorError, emptyCursor, parseCursor, type RunCursor } from "./cursor.js";
import { ListStreams, type ListFilter } from "./list-stream.js";
import { RunFollower } from "./run-stream.js";
import { RunWatch } from "./run-watch.js";
import { SseHub } from "./sse.js";

export interface LiveOptions {
  /** Most open streams at once (default 1000). */
  maxClients?: number;
  pollMs?: number;
}

export class LiveUpdates {
  readonly hub: SseHub;
  readonly watch: RunWatch;
  private readonly followers = new Map<string, RunFollower>();
  private readonly lists: ListStreams;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly web: WebDeps, options: LiveOptions = {}) {
    this.hub = new SseHub(options.maxClients);
    this.watch = new RunWatch(web.db, options.pollMs);
    this.lists = new ListStreams(web);
  }

  /** Something changed a run just now (an event arrived): look at once. */
  poke(): void {
    this.watch.poke();
  }

  /** `/REPO/runs/ID/live`. */
  async runStream(req: RepoRequest, id: string): Promise<Response> {
    const run = runOr404(req, id);
    const from = cursorFrom(req.c);
    return this.hub.open(req.c, (client) => {
      let follower = this.followers.get(run.id);
      if (follower === undefined || follower.idle) {
        const created: RunFollower = new RunFollower(this.web, run.id, () => {
          if (this.followers.get(run.id) === created) this.followers.delete(run.id);
          this.listen();
        });
        follower = created;
        this.followers.set(run.id, follower);
        this.listen();
      }
      return follower.attach(client, from);
    });
  }

  /** `/REPO/runs/live` (with `repos`) and `/runs/live`. */
  async listStream(c: WebContext, filter: Omit<ListFilter, "refs">): Promise<Response> {
    const { refs } = parseRunFilter(c);
    const since = sinceFrom(c);
    return this.hub.open(c, async (client) => {
      client.onClose(() => this.listen());
      await this.lists.attach(client, { ...filter, ...(refs === undefined ? {} : { refs }) }, since);
      this.listen();
    });
  }

  close(): void {
    this.hub.close();
    this.lists.close();
    this.unsubscribe?.();
    this.watch.close();
  }

  /** Watch runs only while some stream is open. */
  private listen(): void {
    const wanted = this.followers.size > 0 || this.lists.size > 0;
    if (wanted && this.unsubscribe === undefined) {
      this.unsubscribe = this.watch.subscribe((run) => {
        this.followers.get(run.id)?.runChanged();
        void this.lists.changed(run).catch((e: unknown) => this.web.log(`live run list: ${(e as Error).message}`));
      });
    } else if (!wanted && this.unsubscribe !== undefined) {
      this.unsubscribe();
      this.unsubscribe = undefined;
    }
  }
}

/** The reader's cursor: Last-Event-ID (a reconnect) wins over `?cursor=` (the page's first connect). */
function cursorFrom(c: WebContext): RunCursor {
  const text = c.req.header("Last-Event-ID") ?? c.req.query("cursor");
  if (text === undefined || text === "") return emptyCursor();
  try {
    return parseCursor(text);
  } catch (e) {
    if (e instanceof CursorError) throw new HttpError(400, "bad_request", `${e.message}; reload the run page to get a fresh one`);
    throw e;
  }
}

/** Where a run list reader stands: the time of the last row it got (Last-Event-ID) or of the page (`?since=`). */
function sinceFrom(c: WebContext): number | undefined {
  const text = c.req.header("Last-Event-ID") ?? c.req.query("since");
  if (text === undefined || text === "") return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new HttpError(400, "bad_request", `the list position ${JSON.stringify(text.slice(0, 40))} is not a time in milliseconds; reload the list`);
  return Number(text);
}
