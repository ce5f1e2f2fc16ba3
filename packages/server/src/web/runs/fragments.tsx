// The parts of a run page that change while the run goes: the header, the
// job graph, each job's head and each sh's head, plus the empty skeletons of
// job sections and sh blocks. The page renders them once; live streams send
// the same markup (web/live/run-stream.ts), so the browser never builds it.
import { raw } from "hono/html";
import type { PushOutputs } from "@quire/shared";
import type { RunView, ViewJob } from "../../ci-status/run-view.js";
import { allowedFailure, logCutReason } from "../../ci-status/run-view.js";
import type { ShEventRow } from "../../db/schema.js";
import { formatDuration, ShaLink, StatePill, Time } from "../layout/components.js";
import { links } from "../url.js";
import { jobAnchor, logAnchor, shAnchor } from "./anchors.js";
import { jobDetails, jobGraphSvg } from "./graph.js";

/** The repository slug (name without `.git`) a run belongs to. */
export function runSlug(repo: string): string {
  return repo.replace(/\.git$/, "");
}

/** The `:quire/push` outputs of a run, or null when its JSON is not what it should be. */
export function pushOf(pushJson: string): Partial<PushOutputs> {
  try {
    const value = JSON.parse(pushJson) as unknown;
    return typeof value === "object" && value !== null ? (value as Partial<PushOutputs>) : {};
  } catch {
    return {};
  }
}

/** First line of a commit message. */
export function subjectOf(message: string | undefined | null): string {
  return (message ?? "").split("\n")[0]!.trim();
}

/** `main` for refs/heads/main, `v1 (tag)` for tags, else the full ref. */
export function shortRef(ref: string): string {
  if (ref.startsWith("refs/heads/")) return ref.slice(11);
  if (ref.startsWith("refs/tags/")) return `${ref.slice(10)} (tag)`;
  return ref;
}

function took(from: number | null, to: number | null): string {
  if (from === null || to === null) return "";
  return formatDuration(to - from);
}

/** The header: state, failure kind and error, commit, ref, pusher, times, `superseded by`. */
export function RunHead(props: { view: RunView }) {
  const { run } = props.view;
  const slug = runSlug(run.repo);
  const push = pushOf(run.pushJson);
  const branch = run.ref.startsWith("refs/heads/") ? run.ref.slice(11) : run.ref.startsWith("refs/tags/") ? run.ref.slice(10) : null;
  return (
    <>
      <h1>
        Run <span class="mono">{run.id}</span> <StatePill state={run.state} label={run.failureKind === null ? run.state : run.failureKind === "cancelled" ? "cancelled" : `${run.state} · ${run.failureKind}`} />
      </h1>
      {props.view.invalidPipeline ? (
        <div class="notice run-error">
          <strong>Invalid pipeline:</strong> <code>.quire/ci.fnl</code> did not compile or validate, so no job ran.
          {run.error === null ? null : <pre class="error-text">{run.error}</pre>}
        </div>
      ) : run.error !== null ? (
        <p class="run-error">
          <span class="muted">Error:</span> <code>{run.error.split("\n")[0]}</code>
        </p>
      ) : null}
      {run.state === "superseded" ? (
        <p class="notice">
          {run.supersededBy === null ? (
            "Stopped before it finished."
          ) : (
            <>
              Superseded by <a href={links.run(slug, run.supersededBy)}>run {run.supersededBy}</a>, a newer push to the same ref.
            </>
          )}
        </p>
      ) : null}
      <dl class="facts">
        <dt>Commit</dt>
        <dd>
          <ShaLink repo={slug} sha={run.sha} /> {subjectOf(push.commit_message)}
        </dd>
        <dt>Ref</dt>
        <dd class="mono">{branch === null ? run.ref : <a href={links.tree(slug, branch)}>{shortRef(run.ref)}</a>}</dd>
        {push.pusher ? (
          <>
            <dt>Pushed by</dt>
            <dd>{push.pusher}</dd>
          </>
        ) : null}
        <dt>Queued</dt>
        <dd>
          <Time ms={run.queuedAtMs} seconds />
        </dd>
        <dt>Started</dt>
        <dd>
          <Time ms={run.startedAtMs} seconds />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time ms={run.finishedAtMs} seconds /> {run.finishedAtMs !== null && run.startedAtMs !== null ? <span class="muted">took {took(run.startedAtMs, run.finishedAtMs)}</span> : null}
        </dd>
      </dl>
    </>
  );
}

/** Why there is no graph to draw. */
function noGraph(view: RunView): string {
  if (view.invalidPipeline) return "No job graph: the pipeline never validated.";
  if (view.run.state === "pending") return "The run is queued; its job graph appears once quire-ci has loaded the pipeline.";
  if (view.run.state === "active") return "Loading the pipeline…";
  return "No job graph was recorded for this run.";
}

/** The job graph (SVG) or a line saying why there is none. */
export function RunGraph(props: { view: RunView; nowMs: number }) {
  const { view } = props;
  if (!view.validated) return <p class="muted small graph-none">{noGraph(view)}</p>;
  if (view.jobs.length === 0) return <p class="muted small graph-none">The pipeline registers no jobs.</p>;
  return raw(jobGraphSvg(view.jobs, view.run.sha.slice(0, 7), props.nowMs));
}

/** A duration still growing: the script keeps it current (`data-since`); without it, as of the page. */
export function Running(props: { since: number; nowMs: number }) {
  return (
    <span class="running" data-since={String(props.since)}>
      {formatDuration(Math.max(0, props.nowMs - props.since))}…
    </span>
  );
}

/** A job's head: name, state (allowed failures marked), duration, error or skip reason. */
export function JobHead(props: { job: ViewJob; nowMs: number }) {
  const { job } = props;
  return (
    <>
      <a class="job-name" href={`#${jobAnchor(job.jobId)}`}>
        {job.jobId}
      </a>
      <StatePill state={job.state} label={allowedFailure(job) ? "failed · allowed" : job.state} />
      <span class="muted small">
        {job.state === "active" && job.startedAtMs !== null ? <Running since={job.startedAtMs} nowMs={props.nowMs} /> : jobDetails(job, props.nowMs).join(" · ")}
      </span>
      {job.skipReason !== null ? <span class="muted small">skipped: {job.skipReason}</span> : null}
      {job.error !== null && job.state !== "skipped" ? <code class="job-error">{job.error.split("\n")[0]}</code> : null}
    </>
  );
}

export interface ShLinks {
  raw: string;
  full: string;
}

/** An sh's head: the redacted command, exit code, duration, links to the whole log. */
export function ShHead(props: { sh: ShEventRow; links: ShLinks; nowMs: number }) {
  const { sh } = props;
  const end = sh.finishedAtMs ?? sh.abortedAtMs;
  const exit = sh.exitCode !== null ? `exit ${sh.exitCode}` : sh.abortedAtMs !== null ? "aborted" : sh.finishedAtMs === null ? "running" : "no exit code";
  const state = sh.exitCode !== null ? (sh.exitCode === 0 ? "complete" : "failed") : end === null ? "active" : "aborted";
  const duration = end === null ? <Running since={sh.startedAtMs} nowMs={props.nowMs} /> : formatDuration(end - sh.startedAtMs);
  return (
    <>
      <code class="cmd">
        <span class="muted">$</span> {sh.cmd}
      </code>
      <span class={`pill state-${state}`}>{exit}</span>
      <span class="muted small">{duration}</span>
      {sh.logCut !== null ? <span class="muted small">log cut {logCutReason(sh.logCut)}; {sh.logDroppedBytes ?? 0} bytes not kept</span> : null}
      <span class="actions small">
        <a href={props.links.full}>full log</a>
        <a href={props.links.raw} download>
          raw
        </a>
      </span>
    </>
  );
}

/** An sh block around its log table (rows are added by the page or the live stream). */
export function ShBlock(props: { sh: ShEventRow; links: ShLinks; nowMs: number; rows?: string; hidden?: number }) {
  const { sh } = props;
  return (
    <div class="sh" id={shAnchor(sh.jobId, sh.n)}>
      <div class="sh-head">
        <ShHead sh={sh} links={props.links} nowMs={props.nowMs} />
      </div>
      {props.hidden !== undefined && props.hidden > 0 ? (
        <p class="muted small log-hidden">
          {props.hidden.toLocaleString("en-US")} earlier lines are not shown here: <a href={props.links.full}>read the whole log</a> or{" "}
          <a href={props.links.raw} download>
            download it raw
          </a>
          .
        </p>
      ) : null}
      <table class="code log" data-log={logAnchor(sh.jobId, sh.n)}>
        <tbody>{raw(props.rows ?? "")}</tbody>
      </table>
    </div>
  );
}

/** A job section: its head, its `(log …)` output and its sh blocks. */
export function JobSection(props: { job: ViewJob; nowMs: number; output?: string; outputHidden?: number; outputLinks: ShLinks; children?: unknown }) {
  const { job } = props;
  return (
    <section class={`job box job-${job.state}`} id={jobAnchor(job.jobId)}>
      <div class="head job-head">
        <JobHead job={job} nowMs={props.nowMs} />
      </div>
      <div class="body">
        <div class="job-output">
          {props.outputHidden !== undefined && props.outputHidden > 0 ? (
            <p class="muted small log-hidden">
              {props.outputHidden.toLocaleString("en-US")} earlier lines of output are not shown: <a href={props.outputLinks.full}>read them all</a>.
            </p>
          ) : null}
          <table class="code log output" data-log={logAnchor(job.jobId, 0)}>
            <tbody>{raw(props.output ?? "")}</tbody>
          </table>
        </div>
        <div class="sh-list">{props.children as never}</div>
      </div>
    </section>
  );
}
