// `/REPO`: the front page: description, clone URLs (SSH with `:host`, and
// HTTP), links to log, refs and archives, the default branch's recent
// commits, the refs in brief with jj's `push-*` bookmarks folded into
// "changes", then the README; an empty repository says how to push to it.
import { raw } from "hono/html";
import type { RepoRequest } from "../context.js";
import type { RepoReader } from "../git/reader.js";
import type { RefList } from "../git/refs.js";
import { readLog } from "../git/log.js";
import { decorations, groupRefs } from "../git/ref-groups.js";
import { CostlyLink } from "../layout/components.js";
import { Frame } from "../layout/frame.js";
import { html } from "../respond.js";
import { links } from "../url.js";
import { findReadme, Readme } from "./readme.js";
import { MirrorsBox } from "./mirrors-box.js";
import { mirrorStatus } from "../../mirror/status.js";
import { repoDescription } from "./repo-list.js";
import { commitTableHtml } from "../render/commit-table.js";
import { refTableHtml } from "../render/ref-table.js";
import { changeRows, ChangesGroup } from "./ref-tables.js";

/** Commits of the default branch the home page lists. */
export const HOME_COMMITS = 10;
/** Tags and other branches the home page lists before pointing at the refs page. */
export const HOME_TAGS = 5;
export const HOME_BRANCHES = 8;

/**
 * The host SSH clone URLs name: that of the base URL links use (`:host`, else
 * the server's own address), never the request's Host header, which anyone
 * can set and the page cache would then show to every reader.
 */
export function cloneHost(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname || "localhost";
  } catch {
    return "localhost";
  }
}

export function CloneUrls(props: { ssh: string; http: string }) {
  return (
    <div class="clone small">
      <label>
        SSH <input readonly value={props.ssh} aria-label="SSH clone URL" />
      </label>
      <label>
        HTTP <input readonly value={props.http} aria-label="HTTP clone URL" />
      </label>
    </div>
  );
}

export async function repoHomePage(req: RepoRequest): Promise<Response> {
  const { reader, c, web } = req;
  const repo = reader.slug;
  const refs = await reader.refs();
  const head = refs.byName.get(refs.head);
  const description = await repoDescription(reader);
  const ssh = `git@${cloneHost(web.baseUrl())}:${reader.name}`;
  const http = `${web.baseUrl()}${links.clone(repo)}`;
  const commit = head === undefined ? null : await reader.commit(head.commit);
  const [root, recent, refsBox] = await Promise.all([
    commit === null ? [] : reader.tree(commit.tree).then((t) => t ?? []),
    commit === null ? null : readLog(reader, { tip: commit.oid, limit: HOME_COMMITS }),
    RefsSummary({ reader, refs }),
  ]);
  const readme = findReadme(root);
  const mirrors = mirrorStatus(web.db, reader.name);
  const page = (
    <Frame title={repo} repo={repo} tab="code" defaultBranch={head?.short} identity={req.identity} feeds={[{ href: links.atom(repo), title: `${repo} commits` }]}>
      {description === "" ? null : <p>{description}</p>}
      {req.identity !== null && req.access.problems.length > 0 ? (
        <div class="notice small">
          {req.access.private ? "This repository is treated as private because its" : "This repository's"} <code>.quire/config.fnl</code> could not be used
          {req.access.private ? "" : " (mirrors, notifications and retention fall back to the global settings)"}: {req.access.problems.join("; ")}
        </div>
      ) : null}
      <CloneUrls ssh={ssh} http={http} />
      {head === undefined || commit === null ? null : (
        <p class="small links">
          <a href={links.log(repo, head.short)}>Log</a> · <a href={links.refs(repo)}>Refs</a> · Snapshot of {head.short}:{" "}
          <CostlyLink href={links.archive(repo, head.short, "tar.gz")}>tar.gz</CostlyLink> <CostlyLink href={links.archive(repo, head.short, "zip")}>zip</CostlyLink>
        </p>
      )}
      {recent === null || recent.entries.length === 0 ? null : (
        <div class="box">
          <div class="head">
            <strong>Recent commits</strong>
            <span class="muted small">on {head!.short}</span>
            <span class="actions">
              <a href={links.log(repo, head!.short)}>full log</a>
            </span>
          </div>
          {raw(commitTableHtml(repo, recent.entries, { decorations: decorations(refs), head: refs.head }))}
        </div>
      )}
      {refsBox}
      <MirrorsBox targets={mirrors} />
      {commit === null ? (
        <div class="box">
          <div class="body">
            This repository is empty. Push to it with <code>git push {ssh} HEAD:main</code>.
          </div>
        </div>
      ) : readme === undefined ? null : (
        <Readme reader={reader} refName={head!.short} dir={[]} entry={readme} />
      )}
    </Frame>
  );
  // Mirror attempts finish after the push that caused them: a page that shows them is not kept.
  return html(c, page, { policy: mirrors.length > 0 ? "none" : "ref", private: req.access.private });
}

/** The refs in brief: the default branch, the newest tags and branches, the change bookmarks folded. */
async function RefsSummary(props: { reader: RepoReader; refs: RefList }) {
  const { reader, refs } = props;
  const repo = reader.slug;
  const groups = groupRefs(refs);
  const shown = [...(groups.defaultBranch === undefined ? [] : [groups.defaultBranch]), ...groups.tags.slice(0, HOME_TAGS), ...groups.branches.slice(0, HOME_BRANCHES)];
  if (shown.length === 0 && groups.changes.length === 0) return null;
  const total = refs.refs.length;
  const changes = await changeRows(reader, groups.changes);
  return (
    <>
      <div class="box">
        <div class="head">
          <strong>Refs</strong>
          <span class="muted small">
            {groups.branches.length + (groups.defaultBranch === undefined ? 0 : 1)} branches, {groups.tags.length} tags
          </span>
          <span class="actions">
            <a href={links.refs(repo)}>all {total} refs</a>
          </span>
        </div>
        {raw(refTableHtml(repo, shown, refs.head))}
      </div>
      <ChangesGroup repo={repo} rows={changes} />
    </>
  );
}
