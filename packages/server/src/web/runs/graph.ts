// The job graph of a run as server-rendered SVG: one column per depth (jobs
// whose inputs are all earlier columns), declaration order within a column,
// the push as the source on the left, an edge per input. Each job is a link to
// its section of the page and shows its state, duration and whether its
// failure was allowed. Colours come from classes in the stylesheet.
import { PUSH_SOURCE } from "@quire/shared";
import type { ViewJob } from "../../ci-status/run-view.js";
import { allowedFailure } from "../../ci-status/run-view.js";
import { formatDuration } from "../layout/components.js";
import { escapeHtml } from "../render/escape.js";
import { jobAnchor } from "./anchors.js";

const NODE_W = 184;
const NODE_H = 46;
const SOURCE_W = 72;
const GAP_X = 44;
const GAP_Y = 14;
const PAD = 8;
const MAX_LABEL = 22;

interface Placed {
  job: ViewJob;
  col: number;
  row: number;
}

function depths(jobs: readonly ViewJob[]): Map<string, number> {
  const byId = new Map(jobs.map((j) => [j.jobId, j]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const of = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const job = byId.get(id);
    // A cycle cannot come from a validated pipeline; stay finite anyway.
    if (job === undefined || visiting.has(id)) return -1;
    visiting.add(id);
    const d = 1 + Math.max(-1, ...(job.inputs ?? []).filter((i) => i !== PUSH_SOURCE).map(of));
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const j of jobs) of(j.jobId);
  return depth;
}

/** What a job's box says under its name: its state, then jobDetails. */
export function jobSummary(job: ViewJob, nowMs: number): string {
  return [allowedFailure(job) ? "failed · allowed" : job.state, ...jobDetails(job, nowMs)].join(" · ");
}

/** A job's duration (running: so far), and whether it timed out or may fail. */
export function jobDetails(job: ViewJob, nowMs: number): string[] {
  const parts: string[] = [];
  if (job.startedAtMs !== null && job.finishedAtMs !== null) parts.push(formatDuration(job.finishedAtMs - job.startedAtMs));
  else if (job.startedAtMs !== null) parts.push(`${formatDuration(Math.max(0, nowMs - job.startedAtMs))}…`);
  return [...parts, ...jobFlags(job)];
}

function jobFlags(job: ViewJob): string[] {
  if (job.timedOut) return ["timed out"];
  return job.allowFailure && job.state !== "failed" ? ["may fail"] : [];
}

/**
 * The info line of a job's box, as SVG text content. An active job's duration
 * is a `.running[data-since]` tspan, which the page's script keeps growing
 * between the stream's redraws of the graph (as it does in the job's head).
 */
/** A job box's tooltip: its id and summary, an active job's start time instead of a duration that would not grow. */
function tooltip(job: ViewJob, nowMs: number): string {
  if (job.state !== "active" || job.startedAtMs === null || job.finishedAtMs !== null) return `${job.jobId}: ${jobSummary(job, nowMs)}`;
  const since = new Date(job.startedAtMs).toISOString();
  return [`${job.jobId}: active since ${since.slice(0, 10)} ${since.slice(11, 19)} UTC`, ...jobFlags(job)].join(" · ");
}

function infoSvg(job: ViewJob, nowMs: number): string {
  if (job.state !== "active" || job.startedAtMs === null || job.finishedAtMs !== null) return escapeHtml(jobSummary(job, nowMs));
  const so = `${formatDuration(Math.max(0, nowMs - job.startedAtMs))}…`;
  const flags = jobFlags(job).map((f) => ` · ${escapeHtml(f)}`).join("");
  return `${escapeHtml(job.state)} · <tspan class="running" data-since="${job.startedAtMs}">${escapeHtml(so)}</tspan>${flags}`;
}

function label(id: string): string {
  return id.length > MAX_LABEL ? `${id.slice(0, MAX_LABEL - 1)}…` : id;
}

/** The SVG of `jobs` (ViewJob.inputs must be known); `source` labels the push (a short sha). */
export function jobGraphSvg(jobs: readonly ViewJob[], source: string, nowMs: number): string {
  const depth = depths(jobs);
  const columns: ViewJob[][] = [];
  for (const job of jobs) (columns[Math.max(0, depth.get(job.jobId) ?? 0)] ??= []).push(job);
  const placed = new Map<string, Placed>();
  columns.forEach((col, c) => col.forEach((job, r) => placed.set(job.jobId, { job, col: c, row: r })));
  const rows = Math.max(1, ...columns.map((c) => c?.length ?? 0));
  const colX = (c: number) => PAD + SOURCE_W + GAP_X + c * (NODE_W + GAP_X);
  const rowY = (r: number) => PAD + r * (NODE_H + GAP_Y);
  const width = colX(columns.length) - GAP_X + PAD;
  const height = rowY(rows) - GAP_Y + PAD;
  const sourceY = PAD + (height - 2 * PAD - NODE_H) / 2;

  const edges: string[] = [];
  const nodes: string[] = [];
  for (const { job, col, row } of placed.values()) {
    const x = colX(col);
    const y = rowY(row) + NODE_H / 2;
    for (const input of job.inputs ?? []) {
      const from = input === PUSH_SOURCE ? { x: PAD + SOURCE_W, y: sourceY + NODE_H / 2 } : placed.get(input);
      if (from === undefined) continue;
      const fx = "job" in from ? colX(from.col) + NODE_W : from.x;
      const fy = "job" in from ? rowY(from.row) + NODE_H / 2 : from.y;
      const mid = (fx + x) / 2;
      edges.push(`<path class="g-edge" d="M${fx} ${fy} C${mid} ${fy} ${mid} ${y} ${x} ${y}"/>`);
    }
    const cls = `g-node s-${job.state}${allowedFailure(job) ? " allowed" : ""}`;
    nodes.push(
      `<a href="#${jobAnchor(job.jobId)}" class="${cls}" data-job="${escapeHtml(job.jobId)}">` +
        `<title>${escapeHtml(tooltip(job, nowMs))}</title>` +
        `<rect x="${x}" y="${rowY(row)}" width="${NODE_W}" height="${NODE_H}" rx="6"/>` +
        `<text class="g-name" x="${x + 10}" y="${rowY(row) + 19}">${escapeHtml(label(job.jobId))}</text>` +
        `<text class="g-info" x="${x + 10}" y="${rowY(row) + 36}">${infoSvg(job, nowMs)}</text></a>`,
    );
  }
  const src =
    `<g class="g-source"><rect x="${PAD}" y="${sourceY}" width="${SOURCE_W}" height="${NODE_H}" rx="23"/>` +
    `<text x="${PAD + SOURCE_W / 2}" y="${sourceY + 19}" text-anchor="middle">push</text>` +
    `<text class="g-info" x="${PAD + SOURCE_W / 2}" y="${sourceY + 36}" text-anchor="middle">${escapeHtml(source)}</text></g>`;
  return (
    `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="job graph">` +
    edges.join("") +
    src +
    nodes.join("") +
    "</svg>"
  );
}
