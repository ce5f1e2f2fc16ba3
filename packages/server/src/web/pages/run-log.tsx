// One whole log of a run: `/REPO/runs/ID/jobs/JOB/sh/N` (an sh's) and
// `/REPO/runs/ID/jobs/JOB/log` (the job's `(log …)` output) as pages of
// PAGE_LINES lines (`?from=L`), and the same with `.log` as the raw text:
// the output lines as the program wrote them, ANSI escapes included.
import { open } from "node:fs/promises";
import { raw } from "hono/html";
import { jobOutputPath, loadRunView, shLogPath } from "../../ci-status/run-view.js";
import { HttpError } from "../../errors.js";
import { LogParser } from "../../runs/log-reader.js";
import type { RepoRequest } from "../context.js";
import { Frame } from "../layout/frame.js";
import { html, SECURITY_HEADERS } from "../respond.js";
import { logRows } from "../render/log-table.js";
import { readLogRange } from "../runs/log-view.js";
import { runIsFinal } from "../runs/run-logs.js";
import { links } from "../url.js";
import { logLinks, runOr404 } from "./run.js";

/** Lines per page of a whole log. */
export const PAGE_LINES = 5000;

export interface LogTarget {
  runId: string;
  jobId: string;
  /** sh number; 0 for the job's output. */
  n: number;
  raw: boolean;
}

function notFound(req: RepoRequest, runId: string, what: string): HttpError {
  return new HttpError(404, "not_found", `run ${runId} of ${req.reader.slug} has no ${what}`, {
    details: { links: [{ href: links.run(req.reader.slug, runId), text: `run ${runId}` }] },
  });
}

function parseFrom(value: string | undefined): number {
  if (value === undefined || value === "") return 1;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new HttpError(400, "bad_request", `?from= takes a line number (1 or more), not ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}

export async function runLogPage(req: RepoRequest, target: LogTarget): Promise<Response> {
  const run = runOr404(req, target.runId);
  const view = loadRunView(req.web.db, req.web.paths.runs, run);
  const job = view.jobs.find((j) => j.jobId === target.jobId);
  if (job === undefined) throw notFound(req, run.id, `job ${JSON.stringify(target.jobId)}`);
  const sh = target.n === 0 ? undefined : view.sh.find((s) => s.jobId === target.jobId && s.n === target.n);
  if (target.n !== 0 && sh === undefined) throw notFound(req, run.id, `sh ${target.n} in job ${JSON.stringify(target.jobId)}`);
  const file = target.n === 0 ? jobOutputPath(view.runDir, job.jobId) : shLogPath(view.runDir, job.jobId, target.n);
  const final = runIsFinal(run);
  if (target.raw) return rawLog(req, file);

  const from = parseFrom(req.c.req.query("from"));
  const { lines, total } = file === null ? { lines: [], total: 0 } : await readLogRange(file, from, from + PAGE_LINES - 1);
  const slug = req.reader.slug;
  const what = target.n === 0 ? `output of job ${job.jobId}` : `sh ${target.n} of job ${job.jobId}`;
  const { raw: rawHref } = logLinks(slug, run.id, target);
  const base = target.n === 0 ? links.jobOutput(slug, run.id, job.jobId) : links.shLog(slug, run.id, job.jobId, target.n);
  const last = from + lines.length - 1;
  const page = (
    <Frame title={`${what} · run ${run.id}`} repo={slug} tab="runs" identity={req.identity} styles={["ansi.css"]}>
      <h1>
        <a href={links.run(slug, run.id)}>Run {run.id}</a> · {what}
      </h1>
      {sh === undefined ? null : (
        <p>
          <code>$ {sh.cmd}</code>
        </p>
      )}
      <div class="box">
        <div class="head">
          <span>{total === 0 ? "No output" : lines.length === 0 ? `${total.toLocaleString("en-US")} lines` : `Lines ${from.toLocaleString("en-US")}–${last.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`}</span>
          {final ? null : <span class="muted small">(still being written)</span>}
          <span class="actions">
            {from > 1 ? <a href={`${base}?from=${Math.max(1, from - PAGE_LINES)}`}>← earlier</a> : null}
            {last < total ? <a href={`${base}?from=${last + 1}`}>later →</a> : null}
            <a href={rawHref} download>
              raw
            </a>
          </span>
        </div>
        <table class="code log">
          <tbody>{raw(logRows(lines, ""))}</tbody>
        </table>
      </div>
    </Frame>
  );
  return html(req.c, page, { policy: final ? "ref" : "none", private: req.access.private });
}

/** The log's output lines as text, streamed from the file. */
async function rawLog(req: RepoRequest, file: string | null): Promise<Response> {
  const handle = file === null ? null : await open(file, "r").catch(() => null);
  const headers = {
    ...SECURITY_HEADERS,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": req.access.private ? "private, no-cache" : "no-cache",
  };
  if (handle === null || req.c.req.method === "HEAD") {
    await handle?.close();
    return new Response(null, { status: 200, headers });
  }
  const parser = new LogParser();
  const block = Buffer.alloc(256 * 1024);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { bytesRead } = await handle.read(block, 0, block.length, null);
        const lines = bytesRead === 0 ? parser.end() : parser.feed(block.subarray(0, bytesRead));
        if (lines.length > 0) controller.enqueue(encoder.encode(lines.map((l) => l.text + "\n").join("")));
        if (bytesRead === 0) {
          await handle.close();
          controller.close();
        }
      } catch (e) {
        await handle.close().catch(() => undefined);
        controller.error(e);
      }
    },
    async cancel() {
      await handle.close().catch(() => undefined);
    },
  });
  return new Response(body, { status: 200, headers });
}
