// `/REPO/history/REF/PATH?lines=A-B`: the commits that touched a range of
// lines (`git log -L`), newest first, each with its diff of the range; paged
// with `skip`, bounded in time (what was found by then is shown, marked
// partial). Without `lines`, a small form says how to pick a range.
import { raw } from "hono/html";
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import { lineLog, type LineLogResult } from "../git/line-log.js";
import { gitPathArg } from "../git/path-arg.js";
import { Frame } from "../layout/frame.js";
import { CostlyLink, FileHead, formatDuration, ShaLink, shortRev, Time } from "../layout/components.js";
import { rangeDiff } from "../render/range-diff.js";
import { html } from "../respond.js";
import { WEB_LIMITS } from "../limits.js";
import { resolveRevPath, type Resolved } from "../resolve.js";
import { displayPath, links } from "../url.js";
import { isBinary, lineCount } from "./blob.js";
import { walkOr404 } from "./tree.js";

/** Commits per page. */
export const LINE_HISTORY_PAGE = 10;
/** Highest `skip` accepted. */
const MAX_SKIP = 100_000;

/** `A-B` or `A` (1-based, A ≤ B after ordering), or a 400 that shows the form. */
export function parseLines(text: string): { from: number; to: number } {
  const m = /^(\d{1,7})(?:-(\d{1,7}))?$/.exec(text.trim());
  const a = m === null ? 0 : Number(m[1]);
  const b = m === null ? 0 : m[2] === undefined ? a : Number(m[2]);
  if (m === null || a < 1 || b < 1) {
    throw new HttpError(400, "bad_request", `lines=${JSON.stringify(text.slice(0, 40))} is not a range of lines: write lines=A-B with whole numbers from 1, e.g. ?lines=10-20 (or ?lines=12 for one line)`);
  }
  return { from: Math.min(a, b), to: Math.max(a, b) };
}

function parseSkip(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,6}$/.test(text) || Number(text) > MAX_SKIP) {
    throw new HttpError(400, "bad_request", `skip=${JSON.stringify(text.slice(0, 40))} must be a whole number of commits from 0 to ${MAX_SKIP}; follow the page links`);
  }
  return Number(text);
}

export async function historyPage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const r = await resolveRevPath(req, req.rest);
  const target = await walkOr404(req, r);
  const repo = reader.slug;
  if (target.kind === "tree") return c.redirect(links.log(repo, r.refName, r.path), 302);
  if (target.kind === "submodule") throw new HttpError(400, "bad_request", `${displayPath(r.path)} is a submodule: it has no lines to follow`);
  const bytes = (await reader.blob(target.oid)) ?? Buffer.alloc(0);
  const lines = lineCount(bytes);
  const linesParam = c.req.query("lines");
  if (linesParam === undefined || linesParam === "") return html(c, <RangeForm req={req} r={r} lines={lines} />, { policy: r.policy, private: req.access.private });
  const range = parseLines(linesParam);
  if (isBinary(bytes)) throw new HttpError(400, "bad_request", `${displayPath(r.path)} is a binary file: it has no lines to follow`);
  if (range.to > lines) {
    throw new HttpError(400, "bad_request", `${displayPath(r.path)} has ${lines} line${lines === 1 ? "" : "s"} at ${r.refName}: ask for lines within 1-${lines}, e.g. ?lines=1-${Math.min(lines, 10)}`, {
      details: { links: [{ href: links.blob(repo, r.refName, r.path), text: `${displayPath(r.path)} at ${r.refName}` }] },
    });
  }
  const skip = parseSkip(c.req.query("skip"));
  const path = gitPathArg(r.path, "Line history");
  const result = await lineLog(reader, { oid: r.commit.oid, path, ...range, skip, limit: LINE_HISTORY_PAGE, timeoutMs: WEB_LIMITS.lineHistoryMs });
  const page = <Results req={req} r={r} range={range} skip={skip} result={result} />;
  // A partial page depends on how busy the server was: nobody keeps it.
  if (result.partial) return html(c, page, { policy: "none", private: req.access.private, headers: { "Cache-Control": "no-store" } });
  return html(c, page, { policy: r.policy, private: req.access.private });
}

function pageHref(repo: string, r: Resolved, range: { from: number; to: number }, skip: number): string {
  return links.history(repo, r.refName, r.path, range) + (skip > 0 ? `&skip=${skip}` : "");
}

function Head(props: { req: RepoRequest; r: Resolved; what: string }) {
  const { r } = props;
  const repo = props.req.reader.slug;
  return (
    <FileHead repo={repo} refName={r.refName} path={r.path} summary={props.what}>
      <a href={links.blob(repo, r.refName, r.path)}>file</a>
      <CostlyLink href={links.blame(repo, r.refName, r.path)}>blame</CostlyLink>
      <a href={links.log(repo, r.refName, r.path)}>history</a>
    </FileHead>
  );
}

/** Without `lines`: how to choose a range, and a form to type one. */
function RangeForm(props: { req: RepoRequest; r: Resolved; lines: number }) {
  const { req, r, lines } = props;
  const repo = req.reader.slug;
  const action = links.history(repo, r.refName, r.path, { from: 1, to: 1 }).replace(/\?.*$/, "");
  return (
    <Frame title={`Line history of ${displayPath(r.path)}`} repo={repo} tab="code" tabRef={r.refName} identity={req.identity}>
      <div class="box">
        <Head req={req} r={r} what={`line history · ${lines} line${lines === 1 ? "" : "s"}`} />
        <div class="body">
          <p>Line history lists the commits that changed a range of lines, following the lines as they move and as the file is renamed. Choose the lines:</p>
          <form method="get" action={action} class="range">
            <label>
              Lines <input name="lines" inputmode="numeric" pattern="\d+(-\d+)?" placeholder={`1-${Math.min(lines, 20)}`} required aria-label="line range, such as 10-20" />
            </label>{" "}
            <button type="submit">Show history</button>
          </form>
          <p class="muted small">
            Or on the <a href={links.blob(repo, r.refName, r.path)}>file view</a>, click a line number, shift-click another, then follow “line history”. A range is written <code>A-B</code>, e.g. <code>10-20</code>; one line is <code>12</code>.
          </p>
        </div>
      </div>
    </Frame>
  );
}

function Results(props: { req: RepoRequest; r: Resolved; range: { from: number; to: number }; skip: number; result: LineLogResult }) {
  const { req, r, range, skip, result } = props;
  const repo = req.reader.slug;
  const found = result.entries.length;
  const span = range.from === range.to ? `line ${range.from}` : `lines ${range.from}–${range.to}`;
  return (
    <Frame title={`History of ${displayPath(r.path)} ${span}`} repo={repo} tab="code" tabRef={r.refName} identity={req.identity}>
      <div class="box">
        <Head req={req} r={r} what={`history of ${span} at ${shortRev(r.refName)}`} />
        <div class="body small">
          <a href={`${links.blob(repo, r.refName, r.path)}?lines=${range.from}-${range.to}#L${range.from}`}>Show {span} in the file</a>
        </div>
      </div>
      {result.partial ? (
        <div class="notice small">
          Partial: the search stopped after {formatDuration(WEB_LIMITS.lineHistoryMs)} with {found} commit{found === 1 ? "" : "s"} found; older commits may touch these lines too.{" "}
          {found > 0 ? <CostlyLink href={pageHref(repo, r, range, skip + found)}>Search on from here</CostlyLink> : null}
        </div>
      ) : null}
      {found === 0 && !result.partial ? <p class="muted">No {skip > 0 ? "more " : ""}commits touch these lines.</p> : null}
      {result.entries.map((e) => {
        const diff = rangeDiff(e.diff);
        const renamed = diff.oldPath !== null && diff.newPath !== null && diff.oldPath !== diff.newPath;
        return (
          <div class="box">
            <div class="head small">
              <ShaLink repo={repo} sha={e.oid} />
              <strong>{e.subject}</strong>
              <span class="muted">{e.author}</span>
              <Time ms={e.time * 1000} />
              {diff.newPath === null ? null : (
                <span class="muted mono">{renamed ? `${diff.oldPath} → ${diff.newPath}` : diff.oldPath === null ? `${diff.newPath} (created)` : diff.newPath}</span>
              )}
            </div>
            <div class="scroll">{raw(diff.html)}</div>
            {diff.omitted > 0 ? <div class="body small muted">{diff.omitted} more lines of this diff are not shown; see the commit.</div> : null}
          </div>
        );
      })}
      {skip > 0 || result.more ? (
        <nav class="pager">
          {skip > 0 ? <CostlyLink href={pageHref(repo, r, range, Math.max(0, skip - LINE_HISTORY_PAGE))}>← Newer</CostlyLink> : null}
          {result.more ? <CostlyLink href={pageHref(repo, r, range, skip + LINE_HISTORY_PAGE)}>Older →</CostlyLink> : null}
        </nav>
      ) : null}
    </Frame>
  );
}
