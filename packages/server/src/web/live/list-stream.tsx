// The live stream of a run list (`/REPO/runs/live`, `/runs/live`): a `row`
// message with the rendered row whenever a run of the list changes or is
// queued, for the runs the reader may see (the access rule per repository
// for the list of every repository). The id is the time of the change: a
// reconnect gets every row that changed since, again (rows replace rows, so
// a row sent twice shows once).
import { getRun, RUN_COLUMNS } from "../../db/queries.js";
import type { RunRow } from "../../db/schema.js";
import type { Identity } from "../auth/identity.js";
import type { WebDeps } from "../context.js";
import { RunRowView } from "../pages/run-list.js";
import { renderToString } from "../respond.js";
import { encodeSse, type SseClient } from "./sse.js";
import type { WatchedRun } from "./run-watch.js";

export interface ListFilter {
  /** Only these repositories (names with `.git`); undefined: every one the reader may see. */
  repos?: readonly string[];
  refs?: readonly string[];
  identity: Identity | null;
}

interface ListReader {
  client: SseClient;
  filter: ListFilter;
}

/** How far back a reconnect looks beyond its last id, for clocks and polls that disagree a little. */
const SLACK_MS = 2000;
/** Rows sent at most on a reconnect. */
const MAX_CATCHUP = 200;

export class ListStreams {
  private readonly readers = new Set<ListReader>();

  constructor(private readonly web: WebDeps) {}

  get size(): number {
    return this.readers.size;
  }

  /** Add a reader; rows that changed since `sinceMs` are sent first. */
  async attach(client: SseClient, filter: ListFilter, sinceMs: number | undefined): Promise<void> {
    const reader = { client, filter };
    this.readers.add(reader);
    client.onClose(() => this.readers.delete(reader));
    if (sinceMs === undefined) return;
    const rows = this.web.db.sqlite
      .prepare(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE MAX(queued_at_ms, COALESCE(started_at_ms, 0), COALESCE(finished_at_ms, 0)) >= ?
         ORDER BY queued_at_ms DESC, rowid DESC LIMIT ?`,
      )
      .all(sinceMs - SLACK_MS, MAX_CATCHUP) as RunRow[];
    for (const run of rows.reverse()) await this.sendTo([reader], run, Date.now());
  }

  /** A run changed: send its row to every reader whose list holds it. */
  async changed(watched: WatchedRun): Promise<void> {
    if (this.readers.size === 0) return;
    const run = getRun(this.web.db, watched.id);
    if (run === undefined) return;
    await this.sendTo([...this.readers], run, Date.now());
  }

  private async sendTo(readers: ListReader[], run: RunRow, atMs: number): Promise<void> {
    const rendered = new Map<boolean, Uint8Array>();
    const readable = new Map<string, boolean>();
    for (const reader of readers) {
      const { filter } = reader;
      if (filter.repos !== undefined && !filter.repos.includes(run.repo)) continue;
      if (filter.refs !== undefined && !filter.refs.includes(run.ref)) continue;
      const key = filter.identity === null ? "" : "id";
      let may = readable.get(key);
      if (may === undefined) {
        may = await this.mayRead(run.repo, filter.identity);
        readable.set(key, may);
      }
      if (!may) continue;
      const showRepo = filter.repos === undefined;
      let bytes = rendered.get(showRepo);
      if (bytes === undefined) {
        const html = await renderToString(<RunRowView run={run} showRepo={showRepo} />);
        bytes = encodeSse({ event: "row", id: String(atMs), data: { id: run.id, state: run.state, queued: run.queuedAtMs, html } });
        rendered.set(showRepo, bytes);
      }
      reader.client.send(bytes);
    }
  }

  /** The access rule of runs for one repository (the router's, applied per row here). */
  private async mayRead(repo: string, identity: Identity | null): Promise<boolean> {
    if (identity !== null) return true;
    const reader = await this.web.git.open(repo.replace(/\.git$/, ""));
    return reader !== null && (await this.web.access.canReadRuns(reader, identity));
  }

  close(): void {
    for (const r of [...this.readers]) r.client.close();
  }
}
