// The live stream of one run page (`/REPO/runs/ID/live`, docs/WEB.md): one
// follower per run however many readers it has. It learns of new log bytes
// from the file system (a watch on the run's jobs folders, reads throttled to
// one every READ_GAP_MS, a one-second look as a backstop) and of state
// changes from RunWatch; it renders each change once and sends the same
// bytes to every reader. Every message's id is the reader's cursor after it.
//
// Messages: `run` (header, graph, job and sh heads, skeletons of new ones),
// `log` (new rows of one log), `reload` (the reader's cursor cannot be
// continued), `end` (the run is over and every log complete).
import { watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { getRun } from "../../db/queries.js";
import { renderToString } from "../respond.js";
import type { WebDeps } from "../context.js";
import { logRows } from "../render/log-table.js";
import { jobAnchor, shAnchor } from "../runs/anchors.js";
import { JobHead, RunGraph, RunHead, ShHead } from "../runs/fragments.js";
import { readLogRange, type RenderedLine } from "../runs/log-view.js";
import { cursorOf, loadRunWithLogs, type LoadedRun, type RunLog } from "../runs/run-logs.js";
import { JobSections, logLinks } from "../pages/run.js";
import { encodeCursor, type RunCursor } from "./cursor.js";
import { encodeSse, type SseClient, type SseMessage } from "./sse.js";

/** At most one read of the logs this often per run; a lone line still goes out at once. */
export const READ_GAP_MS = 25;
const BACKSTOP_MS = 1000;
/** Rows per `log` message when a reader catches up from far behind. */
const CATCHUP_ROWS = 2000;

export class RunFollower {
  private readonly clients = new Set<SseClient>();
  private loaded: LoadedRun | undefined;
  /** Where every attached reader stands: what has been sent. */
  private cursor: RunCursor | undefined;
  private work: Promise<void> = Promise.resolve();
  private readonly watchers = new Map<string, FSWatcher>();
  private readTimer: NodeJS.Timeout | undefined;
  private lastRead = 0;
  private backstop: NodeJS.Timeout | undefined;
  private ended = false;
  /** Readers being brought up to date (not yet in `clients`). */
  private attaching = 0;
  private disposed = false;

  constructor(
    private readonly web: WebDeps,
    readonly runId: string,
    private readonly onIdle: () => void,
  ) {}

  /** Add a reader who stands at `from`: bring it up to date, then keep it there. */
  attach(client: SseClient, from: RunCursor): Promise<void> {
    this.attaching++;
    client.onClose(() => {
      this.clients.delete(client);
      if (this.clients.size === 0 && this.attaching === 0) this.dispose();
    });
    return this.enqueue(async () => {
      try {
        await this.step(true);
        if (client.closed) return;
        await this.catchUp(client, from);
        if (client.closed) return;
        if (this.ended) {
          client.send(encodeSse({ event: "end", id: encodeCursor(this.cursor!), data: {} }));
          client.close();
          return;
        }
        this.clients.add(client);
        this.backstop ??= setInterval(() => this.scheduleRead(), BACKSTOP_MS);
      } finally {
        this.attaching--;
        if (this.clients.size === 0 && this.attaching === 0) this.dispose();
      }
    });
  }

  /** No reader is left and none is coming: the registry forgets this follower. */
  get idle(): boolean {
    return this.disposed;
  }

  /** The run's row changed (state, events, executor). */
  runChanged(): void {
    void this.enqueue(() => this.step(true));
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.work.then(fn);
    this.work = next.catch((e: unknown) => this.web.log(`live run ${this.runId}: ${(e as Error).message}`));
    return this.work;
  }

  private scheduleRead(): void {
    if (this.readTimer !== undefined || this.clients.size === 0) return;
    const wait = Math.max(0, this.lastRead + READ_GAP_MS - Date.now());
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      this.lastRead = Date.now();
      void this.enqueue(() => this.step(false));
    }, wait);
  }

  /** Reload (the run row when `reload`), refresh every log, send what changed to every reader. */
  private async step(reload: boolean): Promise<void> {
    if (this.ended) return;
    const run = getRun(this.web.db, this.runId);
    if (run === undefined) return this.finish();
    const before = this.cursor;
    if (reload || this.loaded === undefined || this.loaded.view.run.state !== run.state || this.loaded.view.run.lastEventSeq !== run.lastEventSeq) {
      this.loaded = await loadRunWithLogs(this.web, run);
    } else {
      await Promise.all(this.loaded.logs.map((l) => l.view?.refresh(this.loaded!.final)));
    }
    const loaded = this.loaded;
    this.watchFolders(loaded);
    const now = cursorOf(loaded);
    if (before === undefined) {
      this.cursor = now;
    } else {
      if (before.state !== now.state || before.seq !== now.seq) {
        this.cursor = { ...before, state: now.state, seq: now.seq };
        this.broadcast(await this.snapshot(loaded));
      }
      for (const log of loaded.logs) {
        const sent = this.cursor!.lines.get(log.key) ?? 0;
        const lines = await this.linesAfter(log, sent);
        for (const message of this.logMessages(log, lines)) this.broadcast(message);
      }
    }
    if (loaded.final && !this.ended) {
      this.ended = true;
      this.broadcast({ event: "end", id: encodeCursor(this.cursor!), data: {} });
      this.finish();
    }
  }

  /** Lines of `log` after line `n`: from the view's tail, or read again when they fell out of it. */
  private async linesAfter(log: RunLog, n: number): Promise<RenderedLine[]> {
    if (log.view === null || log.view.count <= n) return [];
    const fromTail = log.view.linesAfter(n);
    if (fromTail !== undefined) return fromTail;
    const count = log.view.count;
    const { lines } = await readLogRange(log.view.file, n + 1, count);
    return lines;
  }

  /** `log` messages for new lines, cut in pieces of CATCHUP_ROWS; advances the shared cursor. */
  private logMessages(log: RunLog, lines: RenderedLine[], cursor: RunCursor = this.cursor!): SseMessage[] {
    const out: SseMessage[] = [];
    for (let i = 0; i < lines.length; i += CATCHUP_ROWS) {
      const part = lines.slice(i, i + CATCHUP_ROWS);
      cursor.lines.set(log.key, part[part.length - 1]!.n);
      out.push({
        event: "log",
        id: encodeCursor(cursor),
        data: { log: log.anchor, from: part[0]!.n, rows: part.map((l) => logRows([l], `${log.anchor}-`)) },
      });
    }
    return out;
  }

  /** Bring one reader from `from` to the shared cursor. */
  private async catchUp(client: SseClient, from: RunCursor): Promise<void> {
    const loaded = this.loaded;
    const target = this.cursor;
    if (loaded === undefined || target === undefined) return;
    const mine: RunCursor = { state: target.state, seq: target.seq, lines: new Map(from.lines) };
    for (const [key, n] of from.lines) {
      if (n > (target.lines.get(key) ?? 0)) {
        // It holds lines this server does not know of (another server, a replaced log): start again.
        client.send(encodeSse({ event: "reload", data: { reason: `log ${key} has fewer lines than the page shows` } }));
        client.close();
        return;
      }
    }
    if (from.state !== target.state || from.seq !== target.seq) client.send(encodeSse(await this.snapshot(loaded, mine)));
    for (const log of loaded.logs) {
      const have = from.lines.get(log.key) ?? 0;
      const want = target.lines.get(log.key) ?? 0;
      if (have >= want || log.view === null) continue;
      const lines = (await this.linesAfter(log, have)).filter((l) => l.n <= want);
      for (const message of this.logMessages(log, lines, mine)) client.send(encodeSse(message));
    }
  }

  /** The `run` message: every part of the page that changes, rendered as the page renders it. */
  private async snapshot(loaded: LoadedRun, cursor: RunCursor = this.cursor!): Promise<SseMessage> {
    const { view } = loaded;
    const nowMs = Date.now();
    const slug = view.run.repo.replace(/\.git$/, "");
    const skeleton = await renderToString(<JobSections loaded={loaded} nowMs={nowMs} withLines={false} />);
    const jobs = await Promise.all(
      view.jobs.map(async (job) => ({
        id: jobAnchor(job.jobId),
        state: job.state,
        head: await renderToString(<JobHead job={job} nowMs={nowMs} />),
        sh: await Promise.all(
          view.sh
            .filter((s) => s.jobId === job.jobId)
            .map(async (sh) => ({ id: shAnchor(sh.jobId, sh.n), head: await renderToString(<ShHead sh={sh} links={logLinks(slug, view.run.id, sh)} nowMs={nowMs} />) })),
        ),
      })),
    );
    return {
      event: "run",
      id: encodeCursor(cursor),
      data: {
        state: view.run.state,
        final: loaded.final,
        head: await renderToString(<RunHead view={view} />),
        graph: await renderToString(<RunGraph view={view} nowMs={nowMs} />),
        jobs,
        skeleton,
      },
    };
  }

  private broadcast(message: SseMessage): void {
    if (this.clients.size === 0) return;
    const bytes = encodeSse(message);
    for (const client of this.clients) client.send(bytes);
  }

  /** Watch the run's jobs folder and each job's folder, as they come to exist. */
  private watchFolders(loaded: LoadedRun): void {
    if (loaded.final) return;
    const dirs = [loaded.view.runDir, path.join(loaded.view.runDir, "jobs")];
    for (const log of loaded.logs) if (log.view !== null) dirs.push(path.dirname(log.view.file));
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, () => this.scheduleRead());
        w.on("error", () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // Not there yet: the next step tries again; the backstop reads meanwhile.
      }
    }
  }

  private finish(): void {
    this.ended = true;
    for (const client of [...this.clients]) client.close();
    if (this.attaching === 0) this.dispose();
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    clearTimeout(this.readTimer);
    clearInterval(this.backstop);
    this.readTimer = undefined;
    this.backstop = undefined;
    this.onIdle();
  }
}
