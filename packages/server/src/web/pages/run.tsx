// `/REPO/runs/ID`: one run. The header (state, failure kind, error, commit,
// `superseded by`), the job graph the pipeline declared, then each job with
// its `(log …)` output and each sh with its command, exit code, duration and
// log (ANSI colours rendered, every line anchored, long logs cut to their
// tail with links to the rest). While the run goes, web/live/ keeps the page
// current; without script it shows everything as of the load and says so.
import type { RunView } from "../../ci-status/run-view.js";
import { getRun } from "../../db/queries.js";
import type { RunRow } from "../../db/schema.js";
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import { Frame } from "../layout/frame.js";
import { encodeCursor } from "../live/cursor.js";
import { html } from "../respond.js";
import { logRows } from "../render/log-table.js";
import { JobSection, RunGraph, RunHead, ShBlock } from "../runs/fragments.js";
import { cursorOf, loadRunWithLogs, type LoadedRun, type RunLog } from "../runs/run-logs.js";
import { links } from "../url.js";

/** The run `id` of the request's repository, or a 404 that links to its runs. */
export function runOr404(req: RepoRequest, id: string): RunRow {
  const run = /^[0-9a-f]{1,64}$/.test(id) ? getRun(req.web.db, id) : undefined;
  if (run === undefined || run.repo !== req.reader.name) {
    throw new HttpError(404, "not_found", `${req.reader.slug} has no run ${JSON.stringify(id)}`, {
      details: { links: [{ href: links.runs(req.reader.slug), text: `runs of ${req.reader.slug}` }] },
    });
  }
  return run;
}

/** Links to the whole log of one log (an sh's, or a job's output when n is 0). */
export function logLinks(slug: string, runId: string, log: Pick<RunLog, "jobId" | "n">) {
  return log.n === 0
    ? { full: links.jobOutput(slug, runId, log.jobId), raw: links.jobOutput(slug, runId, log.jobId, true) }
    : { full: links.shLog(slug, runId, log.jobId, log.n), raw: links.shLog(slug, runId, log.jobId, log.n, true) };
}

/** The job sections of a loaded run, each log showing its last lines. */
export function JobSections(props: { loaded: LoadedRun; nowMs: number; withLines: boolean }) {
  const { view, logs } = props.loaded;
  const slug = view.run.repo.replace(/\.git$/, "");
  const tail = (log: RunLog | undefined) => {
    if (!props.withLines || log?.view == null) return { rows: "", hidden: 0 };
    const lines = log.view.lastLines();
    return { rows: logRows(lines, `${log.anchor}-`), hidden: log.view.count - lines.length };
  };
  return (
    <>
      {view.jobs.map((job) => {
        const out = logs.find((l) => l.jobId === job.jobId && l.n === 0);
        const o = tail(out);
        return (
          <JobSection job={job} nowMs={props.nowMs} output={o.rows} outputHidden={o.hidden} outputLinks={logLinks(slug, view.run.id, { jobId: job.jobId, n: 0 })}>
            {view.sh
              .filter((sh) => sh.jobId === job.jobId)
              .map((sh) => {
                const t = tail(logs.find((l) => l.jobId === sh.jobId && l.n === sh.n));
                return <ShBlock sh={sh} links={logLinks(slug, view.run.id, sh)} nowMs={props.nowMs} rows={t.rows} hidden={t.hidden} />;
              })}
          </JobSection>
        );
      })}
    </>
  );
}

function liveNote(view: RunView) {
  return view.run.state === "pending" ? "This run is queued." : "This run is in progress.";
}

export async function runPage(req: RepoRequest, id: string): Promise<Response> {
  const run = runOr404(req, id);
  const loaded = await loadRunWithLogs(req.web, run);
  const nowMs = Date.now();
  const { view } = loaded;
  const slug = req.reader.slug;
  // The page and its cursor are taken in one synchronous step: the live stream goes on from exactly here.
  const cursor = encodeCursor(cursorOf(loaded));
  const page = (
    <Frame title={`Run ${run.id}`} repo={slug} tab="runs" identity={req.identity} styles={["ansi.css"]}>
      <div class="run" id="run" data-live={loaded.final ? undefined : links.runLive(slug, run.id)} data-cursor={cursor}>
        <div id="run-head">
          <RunHead view={view} />
        </div>
        {loaded.final ? null : (
          <p class="notice live-note" id="live-note">
            {liveNote(view)} This page shows it as of <time datetime={new Date(nowMs).toISOString()}>{new Date(nowMs).toISOString().slice(11, 19)} UTC</time>:
            reload it to see what has happened since.
          </p>
        )}
        <h2>Jobs</h2>
        <div id="run-graph" class="box scroll graph-box">
          <RunGraph view={view} nowMs={nowMs} />
        </div>
        <div id="run-jobs">
          <JobSections loaded={loaded} nowMs={nowMs} withLines={true} />
        </div>
      </div>
    </Frame>
  );
  return html(req.c, page, { policy: loaded.final ? "ref" : "none", private: req.access.private });
}
