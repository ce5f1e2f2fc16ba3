// `/REPO/runs` and `/runs`: CI runs newest first, one repository's or every
// repository the reader may see the runs of. Each row: state, run, ref,
// commit and subject, pusher, queued/started/finished, duration, failure
// kind. `?ref=` and `?state=` filter, `?after=ID` pages on. Rows change live
// through web/live/list-stream.ts; without script the list is as of the load.
import { RUN_STATES, type RunState } from "@quire/shared";
import { stmt } from "../../db/statements.js";
import { RUN_COLUMNS } from "../../db/queries.js";
import type { RunRow } from "../../db/schema.js";
import { HttpError } from "../../errors.js";
import type { Identity } from "../auth/identity.js";
import type { WebContext, WebDeps } from "../context.js";
import { Frame } from "../layout/frame.js";
import { formatDuration, StatePill, Time } from "../layout/components.js";
import { html } from "../respond.js";
import { pushOf, Running, runSlug, shortRef, subjectOf } from "../runs/fragments.js";
import { links } from "../url.js";

/** Runs per page. */
export const RUNS_PER_PAGE = 50;

export interface RunFilter {
  /** Only these repositories (names with `.git`); undefined: all. */
  repos?: readonly string[];
  /** Refs matching what the reader typed (`main` matches refs/heads/main and refs/tags/main). */
  refs?: readonly string[];
  state?: RunState;
}

/** Parse `?ref=` and `?state=`; a bad value is a 400 that says what to write. */
export function parseRunFilter(c: WebContext): Pick<RunFilter, "refs" | "state"> & { ref?: string } {
  const ref = c.req.query("ref") ?? "";
  const state = c.req.query("state") ?? "";
  const out: Pick<RunFilter, "refs" | "state"> & { ref?: string } = {};
  if (ref !== "") {
    if (ref.length > 256 || /[\x00-\x20\x7f~^:?*[\\]/.test(ref)) {
      throw new HttpError(400, "bad_request", `?ref= takes a branch, a tag or a full ref such as refs/heads/main, not ${JSON.stringify(ref.slice(0, 60))}`);
    }
    out.ref = ref;
    out.refs = ref.startsWith("refs/") ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  }
  if (state !== "") {
    if (!(RUN_STATES as readonly string[]).includes(state)) {
      throw new HttpError(400, "bad_request", `?state= takes one of ${RUN_STATES.join(", ")}, not ${JSON.stringify(state.slice(0, 40))}`);
    }
    out.state = state as RunState;
  }
  return out;
}

type ListedRun = RunRow & { rowid: number };

function where(filter: RunFilter): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (filter.repos !== undefined) {
    if (filter.repos.length === 0) return { sql: "0", args };
    parts.push(`repo IN (${filter.repos.map(() => "?").join(", ")})`);
    args.push(...filter.repos);
  }
  if (filter.refs !== undefined) {
    parts.push(`ref IN (${filter.refs.map(() => "?").join(", ")})`);
    args.push(...filter.refs);
  }
  if (filter.state !== undefined) {
    parts.push("state = ?");
    args.push(filter.state);
  }
  return { sql: parts.length === 0 ? "1" : parts.join(" AND "), args };
}

/** Runs matching `filter`, newest first, after the run `after` (keyset on queued time, then insertion). */
export function queryRuns(web: WebDeps, filter: RunFilter, options: { after?: string; limit: number }): { runs: ListedRun[]; more: boolean } {
  const w = where(filter);
  let sql = `SELECT rowid AS "rowid", ${RUN_COLUMNS} FROM runs WHERE ${w.sql}`;
  const args = [...w.args];
  if (options.after !== undefined) {
    const anchor = stmt(web.db.sqlite, "SELECT rowid, queued_at_ms FROM runs WHERE id = ?").get(options.after) as { rowid: number; queued_at_ms: number } | undefined;
    if (anchor === undefined) throw new HttpError(400, "bad_request", `?after= names no run (${JSON.stringify(options.after.slice(0, 40))}); it may have been removed: start from the first page`);
    sql += " AND (queued_at_ms < ? OR (queued_at_ms = ? AND rowid < ?))";
    args.push(anchor.queued_at_ms, anchor.queued_at_ms, anchor.rowid);
  }
  sql += " ORDER BY queued_at_ms DESC, rowid DESC LIMIT ?";
  args.push(options.limit + 1);
  const rows = web.db.sqlite.prepare(sql).all(...args) as ListedRun[];
  return { runs: rows.slice(0, options.limit), more: rows.length > options.limit };
}

/** One row of a run list (also sent by the live list stream). */
export function RunRowView(props: { run: RunRow; showRepo: boolean }) {
  const { run } = props;
  const slug = runSlug(run.repo);
  const push = pushOf(run.pushJson);
  // A run still going shows how long so far, which the script keeps growing.
  const took =
    run.startedAtMs !== null && run.finishedAtMs !== null ? formatDuration(run.finishedAtMs - run.startedAtMs) : run.startedAtMs !== null && run.state === "active" ? <Running since={run.startedAtMs} nowMs={Date.now()} /> : "";
  return (
    <tr id={`run-${run.id}`} data-state={run.state} data-queued={String(run.queuedAtMs)}>
      <td>
        <StatePill state={run.state} />
      </td>
      <td class="mono">
        <a href={links.run(slug, run.id)}>{run.id}</a>
      </td>
      {props.showRepo ? (
        <td>
          <a href={links.runs(slug)}>{slug}</a>
        </td>
      ) : null}
      <td class="mono">{shortRef(run.ref)}</td>
      <td>
        <a class="sha" href={links.commit(slug, run.sha)} title={run.sha}>
          {run.sha.slice(0, 10)}
        </a>{" "}
        <span class="wide">{subjectOf(push.commit_message)}</span>
      </td>
      <td class="wide">{push.pusher ?? ""}</td>
      <td class="nowrap">
        <Time ms={run.queuedAtMs} />
      </td>
      <td class="nowrap wide">
        <Time ms={run.startedAtMs} />
      </td>
      <td class="nowrap wide">
        <Time ms={run.finishedAtMs} />
      </td>
      <td class="num">{took}</td>
      <td>{run.failureKind ?? ""}</td>
    </tr>
  );
}

/** Repositories whose runs `identity` may read (undefined: every one, runs of removed repositories included). */
export async function readableRunRepos(web: WebDeps, identity: Identity | null): Promise<string[] | undefined> {
  if (identity !== null) return undefined;
  const names: string[] = [];
  for (const reader of await web.git.all()) if (await web.access.canReadRuns(reader, identity)) names.push(reader.name);
  return names;
}

export interface RunListPage {
  c: WebContext;
  web: WebDeps;
  identity: Identity | null;
  /** The repository's slug, or undefined for every repository. */
  slug?: string;
  repos?: readonly string[];
  private?: boolean;
}

/** Render a run list page: `slug` for one repository, else all. */
export async function runListPage(p: RunListPage): Promise<Response> {
  const { c, web } = p;
  const filter = parseRunFilter(c);
  const after = c.req.query("after");
  const { runs, more } = queryRuns(web, { ...filter, ...(p.repos === undefined ? {} : { repos: p.repos }) }, { ...(after ? { after } : {}), limit: RUNS_PER_PAGE });
  const base = links.runs(p.slug);
  const query = (extra: Record<string, string>) => {
    const q = new URLSearchParams({ ...(filter.ref ? { ref: filter.ref } : {}), ...(filter.state ? { state: filter.state } : {}), ...extra });
    const s = q.toString();
    return s === "" ? "" : `?${s}`;
  };
  const showRepo = p.slug === undefined;
  const live = links.runsLive(p.slug) + query({});
  const page = (
    <Frame title={p.slug === undefined ? "Runs" : `Runs of ${p.slug}`} repo={p.slug} tab="runs" identity={p.identity}>
      <h1>{p.slug === undefined ? "CI runs" : "Runs"}</h1>
      <form class="filters" method="get" action={base}>
        <label>
          Ref <input name="ref" value={filter.ref ?? ""} placeholder="main" size={16} />
        </label>
        <label>
          State{" "}
          <select name="state">
            <option value="">any</option>
            {RUN_STATES.map((s) => (
              <option value={s} selected={filter.state === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
        {filter.ref || filter.state ? <a href={base}>clear</a> : null}
      </form>
      <p class="notice live-note" id="live-note">
        This list is as of <time datetime={new Date().toISOString()}>{new Date().toISOString().slice(11, 19)} UTC</time>: reload to see newer runs and state changes.
      </p>
      {runs.length === 0 ? (
        <p class="muted">{filter.ref || filter.state || after ? "No runs match." : "No runs yet: a push to a repository with a .quire/ci.fnl starts one."}</p>
      ) : null}
      <div class="box scroll" hidden={runs.length === 0 ? true : undefined}>
        <table
          class="list runs"
          id="runs"
          data-live={live}
          data-since={String(Date.now())}
          data-first-page={after ? undefined : "1"}
          data-state={filter.state}
          data-show-repo={showRepo ? "1" : undefined}
        >
          <thead>
            <tr>
              <th>State</th>
              <th>Run</th>
              {showRepo ? <th>Repository</th> : null}
              <th>Ref</th>
              <th>Commit</th>
              <th class="wide">Pusher</th>
              <th>Queued</th>
              <th class="wide">Started</th>
              <th class="wide">Finished</th>
              <th class="num">Took</th>
              <th>Failure</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <RunRowView run={run} showRepo={showRepo} />
            ))}
          </tbody>
        </table>
      </div>
      {more ? (
        <p class="pager">
          <a href={base + query({ after: runs[runs.length - 1]!.id })}>Older runs →</a>
        </p>
      ) : null}
    </Frame>
  );
  return html(c, page, { policy: "none", private: p.private });
}
