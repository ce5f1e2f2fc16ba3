// `/REPO/runs/…`: the one page entry for CI runs (the router applied the
// access rule for runs before any of it): the list, a run, its whole logs
// and raw logs, and the live streams of the list and of a run.
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import { decodeJobSegment, segmentText } from "../url.js";
import { runListPage } from "./run-list.js";
import { runLogPage } from "./run-log.js";
import { runPage } from "./run.js";

export async function runsPage(req: RepoRequest): Promise<Response> {
  const rest = req.rest.map((s) => segmentText(s));
  const notFound = () =>
    new HttpError(404, "not_found", `no such page under ${req.reader.slug}/runs: runs are at …/runs/ID, logs at …/runs/ID/jobs/JOB/sh/N`);
  if (rest.some((s) => s === undefined)) throw notFound();
  const [id, sub, job, kind, file, ...extra] = rest as string[];
  if (id === undefined) return runListPage({ c: req.c, web: req.web, identity: req.identity, slug: req.reader.slug, repos: [req.reader.name], private: req.access.private });
  if (id === "live" && sub === undefined) return req.web.live.listStream(req.c, { repos: [req.reader.name], identity: req.identity });
  if (sub === undefined) return runPage(req, id);
  if (sub === "live" && job === undefined) return req.web.live.runStream(req, id);
  if (sub !== "jobs" || job === undefined || extra.length > 0) throw notFound();
  if (kind === "log" || kind === "log.log") {
    if (file !== undefined) throw notFound();
    return runLogPage(req, { runId: id, jobId: decodeJobSegment(job), n: 0, raw: kind === "log.log" });
  }
  const m = kind === "sh" && file !== undefined ? /^([1-9]\d{0,5})(\.log)?$/.exec(file) : null;
  if (m === null) throw notFound();
  return runLogPage(req, { runId: id, jobId: decodeJobSegment(job), n: Number(m[1]), raw: m[2] !== undefined });
}
