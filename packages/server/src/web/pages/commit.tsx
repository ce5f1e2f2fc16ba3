// `/REPO/commit/SHA`: one commit: message, author and committer, parents,
// jj change id, diffstat and the highlighted diff against the first parent
// (renames and cheap copies found), cut by files and lines unless `?full=1`.
// A unique sha prefix (7+ hex digits) or a ref name redirects to the full sha.
import { raw } from "hono/html";
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import { readCommitDiff, type FileDiff } from "../git/diff.js";
import { FULL_SHA } from "../git/log.js";
import { bodyOf, subjectOf, type Commit, type Signature } from "../git/objects.js";
import { ShaLink, Time } from "../layout/components.js";
import { Frame } from "../layout/frame.js";
import { renderDiffs } from "../render/diff.js";
import { diffstatHtml } from "../render/diffstat.js";
import { html } from "../respond.js";
import { missingSha } from "../resolve.js";
import { links, segmentText, splitPath } from "../url.js";
import { WEB_LIMITS } from "../limits.js";

/** How much of a diff one page shows and reads, by default and with `?full=1` (time budgets: WEB_LIMITS). */
export const DIFF_LIMITS = {
  normal: { maxFiles: 200, maxLines: 5_000, maxStat: 1_000, maxBytes: 4 * 1024 * 1024 },
  full: { maxFiles: 5_000, maxLines: 100_000, maxStat: 100_000, maxBytes: 32 * 1024 * 1024 },
} as const;

/** Shortest sha prefix the commit page resolves. */
export const MIN_PREFIX = 7;

/** Where a short name leads: a full sha to redirect to, or a 4xx to answer. */
async function resolveShortName(req: RepoRequest, name: string): Promise<string> {
  const { reader } = req;
  const refs = await reader.refs();
  const ref = refs.byName.get(name);
  if (ref !== undefined) return ref.commit;
  const hex = name.toLowerCase();
  if (/^[0-9a-f]+$/.test(hex)) {
    if (hex.length < MIN_PREFIX) throw new HttpError(400, "bad_request", `${JSON.stringify(name)} is too short to name a commit: give at least ${MIN_PREFIX} hex digits of its sha`);
    // --disambiguate lists every object whose id starts with the prefix: hex only, never a revision expression.
    const run = await reader.git(["rev-parse", `--disambiguate=${hex}`], { timeoutMs: 5_000, maxBytes: 1024 * 1024 });
    const candidates = run.stdout.toString("utf8").split("\n").filter((l) => FULL_SHA.test(l));
    const commits: string[] = [];
    for (const oid of candidates) if ((await reader.info(oid))?.type === "commit") commits.push(oid);
    if (commits.length === 1) return commits[0]!;
    if (commits.length > 1) {
      throw new HttpError(404, "not_found", `${JSON.stringify(name)} is the start of ${commits.length} commits in ${reader.slug}: give more digits`, {
        details: { links: commits.slice(0, 20).map((oid) => ({ href: links.commit(reader.slug, oid), text: oid })) },
      });
    }
  }
  throw new HttpError(404, "not_found", `${reader.slug} has no commit, branch or tag named ${JSON.stringify(name)}`, {
    details: { links: [{ href: links.refs(reader.slug), text: "branches and tags" }] },
  });
}

function Person(props: { role: string; who: Signature }) {
  return (
    <div>
      <span class="muted">{props.role}</span> <span title={props.who.email}>{props.who.name}</span> <span class="muted small">&lt;{props.who.email}&gt;</span>{" "}
      <Time ms={props.who.time * 1000} /> <span class="muted small">{props.who.tz}</span>
    </div>
  );
}

export async function commitPage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const repo = reader.slug;
  if (req.rest.length === 0) throw new HttpError(404, "not_found", "name a commit after /commit/, e.g. …/commit/main or a sha", {
    details: { links: [{ href: links.repo(repo), text: repo }] },
  });
  const texts = req.rest.map(segmentText);
  if (texts.some((t) => t === undefined)) throw new HttpError(404, "not_found", `${repo} has no commit, branch or tag by that name (it is not UTF-8)`);
  const name = texts.join("/");
  const full = c.req.query("full");
  if (full !== undefined && full !== "1") throw new HttpError(400, "bad_request", `?full= takes only 1 (show the whole diff), not ${JSON.stringify(full.slice(0, 40))}`);
  const suffix = full === "1" ? "?full=1" : "";
  if (!FULL_SHA.test(name)) return c.redirect(links.commit(repo, await resolveShortName(req, name)) + suffix, 302);
  const commit = await reader.commit(name);
  if (commit === null) throw await missingSha(req, name);
  // A tag's sha leads to its commit; the commit's own URL is the one kept.
  if (commit.oid !== name) return c.redirect(links.commit(repo, commit.oid) + suffix, 301);
  return showCommit(req, commit, full === "1");
}

async function showCommit(req: RepoRequest, commit: Commit, full: boolean): Promise<Response> {
  const { reader, c } = req;
  const repo = reader.slug;
  const limits = full ? DIFF_LIMITS.full : DIFF_LIMITS.normal;
  const [diff, parents] = await Promise.all([
    readCommitDiff(reader, commit, { maxBytes: limits.maxBytes, timeoutMs: full ? WEB_LIMITS.fullDiffMs : WEB_LIMITS.diffMs, heavy: full }),
    Promise.all(commit.parents.map((p) => reader.commit(p))),
  ]);
  const fileHref = (f: FileDiff) =>
    f.status === "D" ? links.blob(repo, diff.base ?? commit.oid, splitPath(f.oldPath)) : links.blob(repo, commit.oid, splitPath(f.newPath));
  const rendered = renderDiffs(diff.files, { maxFiles: limits.maxFiles, maxLines: limits.maxLines, fileHref, fullHref: full ? null : `${links.commit(repo, commit.oid)}?full=1` });
  const subject = subjectOf(commit.message);
  const body = bodyOf(commit.message);
  const sameCommitter =
    commit.committer.name === commit.author.name && commit.committer.email === commit.author.email && commit.committer.time === commit.author.time;
  const page = (
    <Frame title={subject || commit.oid.slice(0, 12)} repo={repo} tab="log" tabRef={commit.oid} identity={req.identity}>
      <div class="box">
        <div class="head">
          <span class="mono">commit {commit.oid}</span>
          <span class="actions">
            <a href={links.tree(repo, commit.oid)}>files</a>
            <a href={links.log(repo, commit.oid)}>history</a>
          </span>
        </div>
        <div class="body">
          <h1 class="subject">{subject}</h1>
          {body === "" ? null : <pre class="message">{body}</pre>}
          <div class="small people">
            <Person role="author" who={commit.author} />
            {sameCommitter ? null : <Person role="committer" who={commit.committer} />}
            {commit.changeId === null ? null : (
              <div>
                <span class="muted">change-id</span> <span class="mono">{commit.changeId}</span>
              </div>
            )}
            {commit.parents.map((p, i) => (
              <div>
                <span class="muted">parent</span> <ShaLink repo={repo} sha={p} /> <span class="muted">{parents[i] ? subjectOf(parents[i]!.message) : "(not in this repository)"}</span>
              </div>
            ))}
          </div>
        </div>
      </div>
      {commit.parents.length > 1 ? (
        <div class="notice small">
          This is a merge of {commit.parents.length} parents. The diff below is against the first parent, <ShaLink repo={repo} sha={commit.parents[0]!} />: it shows
          what the merge brought in.
        </div>
      ) : null}
      {diff.cut !== null ? (
        <div class="notice small">
          {diff.cut === "time" ? "The diff took longer than a page may spend on it" : "The diff is larger than a page reads"}, so its end is not shown
          {full ? "." : <> here. <a href={`${links.commit(repo, commit.oid)}?full=1`} rel="nofollow">Try the whole diff</a>.</>}
        </div>
      ) : null}
      {diff.files.length === 0 ? (
        <p class="muted">No changes{commit.parents.length === 0 ? "" : " against the first parent"}.</p>
      ) : (
        raw(diffstatHtml(diff.files, { shown: rendered.shownFiles, max: limits.maxStat, fileHref }))
      )}
      {raw(rendered.html)}
    </Frame>
  );
  // A diff cut by the clock might come out whole another time: keep it only until the next push.
  return html(c, page, { policy: diff.cut === "time" ? "ref" : "sha", private: req.access.private });
}
