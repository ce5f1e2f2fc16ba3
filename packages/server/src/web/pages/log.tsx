// `/REPO/log/REF[/PATH]`: history of a ref, or of a path at it, 50 commits a
// page (`?after=SHA` continues after that commit of the same walk). A file's
// history follows it across renames (expensive: bounded, rel=nofollow links)
// and shows its rename trail. `/REPO/log` alone goes to the default branch.
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import { AfterNotFoundError, FULL_SHA, readLog, type LogPage, type Rename } from "../git/log.js";
import { WEB_LIMITS } from "../limits.js";
import { decorations } from "../git/ref-groups.js";
import { raw } from "hono/html";
import { commitTableHtml } from "../render/commit-table.js";
import { formatDuration, PathCrumbs, ShaLink } from "../layout/components.js";
import { Frame } from "../layout/frame.js";
import { html } from "../respond.js";
import { resolveRevPath } from "../resolve.js";
import { displayPath, links, segmentText, splitPath } from "../url.js";
import { walkOr404 } from "./tree.js";

/** Commits per page. */
export const LOG_PAGE_SIZE = 50;

/** `now.c ← lib/old.c (abc1) ← old.c (def2)`: each earlier name with the commit that renamed it. */
function RenameTrail(props: { repo: string; current: Buffer[]; renames: readonly Rename[] }) {
  const { repo, current, renames } = props;
  if (renames.length === 0) return null;
  return (
    <p class="trail mono small">
      {displayPath(current)}
      {renames.map((r) => (
        <>
          {" ← "}
          {r.parent === null ? <span>{r.from.toString("utf8")}</span> : <a href={links.blob(repo, r.parent, splitPath(r.from))}>{r.from.toString("utf8")}</a>} (
          <ShaLink repo={repo} sha={r.oid} />)
        </>
      ))}
    </p>
  );
}

function CutNotice(props: { cut: LogPage["cut"] }) {
  if (props.cut === null) return null;
  const why = props.cut === "time" ? `the walk ran out of its time budget (${formatDuration(WEB_LIMITS.logMs)})` : "the walk produced more output than one page may read";
  return <div class="notice small">This history is partial: {why}. The commits shown are correct, but older ones may be missing.</div>;
}

export async function logPage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const repo = reader.slug;
  const refs = await reader.refs();
  if (req.rest.length === 0) {
    const head = refs.byName.get(refs.head);
    if (head === undefined) throw new HttpError(404, "not_found", `${repo} has no commits yet, so it has no history to show`);
    return c.redirect(links.log(repo, head.short), 302);
  }
  const after = c.req.query("after");
  if (after !== undefined && !FULL_SHA.test(after)) {
    throw new HttpError(400, "bad_request", `?after= takes the full sha (40 hex digits) of the last commit of the page before, not ${JSON.stringify(after.slice(0, 80))}`);
  }
  const r = await resolveRevPath(req, req.rest);
  let path: string | undefined;
  let follow = false;
  if (r.path.length > 0) {
    const texts = r.path.map(segmentText);
    if (texts.some((t) => t === undefined)) {
      throw new HttpError(400, "bad_request", `the history of ${JSON.stringify(displayPath(r.path))} cannot be shown: its name is not UTF-8, and git is handed paths as text`, {
        details: { links: [{ href: links.log(repo, r.refName), text: `the whole history of ${r.refName}` }] },
      });
    }
    path = texts.join("/");
    const target = await walkOr404(req, r);
    follow = target.kind !== "tree" && target.kind !== "submodule";
  }
  let page: LogPage;
  try {
    page = await readLog(reader, { tip: r.commit.oid, path, follow, after, limit: LOG_PAGE_SIZE });
  } catch (e) {
    if (!(e instanceof AfterNotFoundError)) throw e;
    throw new HttpError(404, "not_found", `commit ${after} is not in this history (the ref may have moved since the link was made)`, {
      details: { links: [{ href: links.log(repo, r.refName, r.path), text: "the newest commits" }] },
    });
  }
  // A page addressed by a full sha never changes, so it shows no refs (they move); a partial walk is not kept for good.
  const decorate = r.policy === "ref" ? decorations(refs) : undefined;
  const policy = page.cut !== null ? "ref" : r.policy;
  const shortRef = FULL_SHA.test(r.refName) ? r.refName.slice(0, 12) : r.refName;
  const title = r.path.length === 0 ? `Log of ${shortRef}` : `History of ${displayPath(r.path)}`;
  const pageHtml = (
    <Frame title={title} repo={repo} tab="log" tabRef={r.refName} identity={req.identity}>
      <div class="box">
        <div class="head">
          {r.path.length === 0 ? <strong>Log</strong> : <PathCrumbs repo={repo} refName={r.refName} path={r.path} />}
          <span class="muted small">
            at <span class="mono">{shortRef}</span>
            {follow ? " · following renames" : ""}
          </span>
          {after !== undefined ? (
            <span class="muted small">
              after <ShaLink repo={repo} sha={after} />
            </span>
          ) : null}
        </div>
        {follow ? <RenameTrail repo={repo} current={r.path} renames={page.renames} /> : null}
        <CutNotice cut={page.cut} />
        {page.entries.length === 0 ? (
          <div class="body muted">No commits{after !== undefined ? " after this one" : ""}.</div>
        ) : (
          raw(commitTableHtml(repo, page.entries, { decorations: decorate, head: refs.head, followed: follow && path !== undefined ? Buffer.from(path, "utf8") : undefined }))
        )}
      </div>
      <nav class="pager">
        {after !== undefined ? <a href={links.log(repo, r.refName, r.path)}>← newest</a> : null}
        {page.next !== null ? (
          <a href={links.log(repo, r.refName, r.path, page.next)} rel={follow ? "nofollow" : undefined}>
            older →
          </a>
        ) : null}
      </nav>
    </Frame>
  );
  return html(c, pageHtml, { policy, private: req.access.private });
}
