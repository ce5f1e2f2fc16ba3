// `/REPO`: the repository's front page: description, clone URLs (SSH with
// `:host`, and HTTP), then the default branch's README. An empty repository
// says how to push to it.
import type { RepoRequest } from "../context.js";
import { Frame } from "../layout/frame.js";
import { html } from "../respond.js";
import { links } from "../url.js";
import { findReadme, Readme } from "./readme.js";
import { repoDescription } from "./repo-list.js";

/** The host clone URLs name: `:host` (without scheme or path), else the request's Host. */
export function cloneHost(configHost: string | null, requestHost: string | undefined): string {
  const h = configHost ?? requestHost ?? "localhost";
  return h.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/.*$/, "").replace(/:\d+$/, "");
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
  const ssh = `git@${cloneHost(web.config.host, c.req.header("Host"))}:${reader.name}`;
  const http = `${web.baseUrl()}${links.clone(repo)}`;
  const commit = head === undefined ? null : await reader.commit(head.commit);
  const root = commit === null ? [] : ((await reader.tree(commit.tree)) ?? []);
  const readme = findReadme(root);
  const page = (
    <Frame title={repo} repo={repo} tab="code" identity={req.identity}>
      {description === "" ? null : <p>{description}</p>}
      {req.identity !== null && req.access.problems.length > 0 ? (
        <div class="notice small">
          This repository is treated as private because its <code>.quire/config.fnl</code> could not be used: {req.access.problems.join("; ")}
        </div>
      ) : null}
      <CloneUrls ssh={ssh} http={http} />
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
  return html(c, page, { policy: "ref", private: req.access.private });
}
