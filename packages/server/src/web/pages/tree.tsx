// `/REPO/tree/REF[/PATH]`: a directory listing (directories first, sizes of
// files), with the directory's README below it. A path that is a file
// redirects to its blob page.
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import type { TreeEntry } from "../git/objects.js";
import { Frame } from "../layout/frame.js";
import { CostlyLink, PathCrumbs, ShaLink } from "../layout/components.js";
import { html } from "../respond.js";
import { resolveRevPath, type Resolved } from "../resolve.js";
import { displayPath, links } from "../url.js";
import { findReadme, Readme } from "./readme.js";
import { subjectOf } from "../git/objects.js";

/** A size as `12.3 KiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Look up the path of `r`, or throw a 404 naming it. */
export async function walkOr404(req: RepoRequest, r: Resolved) {
  const target = await req.reader.walk(r.commit, r.path);
  if (target === null) {
    throw new HttpError(404, "not_found", `${r.refName} has no ${JSON.stringify(displayPath(r.path))} in ${req.reader.slug}`, {
      details: { links: [{ href: links.tree(req.reader.slug, r.refName), text: `files at ${r.refName}` }] },
    });
  }
  return target;
}

function sortEntries(entries: readonly TreeEntry[]): TreeEntry[] {
  return [...entries].sort((a, b) => {
    const da = a.kind === "tree" ? 0 : 1;
    const db = b.kind === "tree" ? 0 : 1;
    return da - db || Buffer.compare(a.name, b.name);
  });
}

export async function treePage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const r = await resolveRevPath(req, req.rest);
  const target = await walkOr404(req, r);
  if (target.kind !== "tree") return c.redirect(links.blob(reader.slug, r.refName, r.path), 302);
  const entries = sortEntries((await reader.tree(target.oid)) ?? []);
  const sizes = await Promise.all(entries.map((e) => (e.kind === "blob" || e.kind === "exec" ? reader.info(e.oid) : null)));
  const readme = findReadme(entries);
  const repo = reader.slug;
  const page = (
    <Frame title={r.path.length === 0 ? repo : displayPath(r.path)} repo={repo} tab="code" tabRef={r.refName} identity={req.identity}>
      <div class="box">
        <div class="head">
          <PathCrumbs repo={repo} refName={r.refName} path={r.path} />
          <span class="muted small">
            at <span class="mono">{r.refName.length === 40 || r.refName.length === 64 ? r.refName.slice(0, 12) : r.refName}</span>
          </span>
          <span class="actions">
            <a href={links.log(repo, r.refName, r.path)}>history</a>
            {r.path.length === 0 ? <CostlyLink href={links.archive(repo, r.refName, "tar.gz")}>tar.gz</CostlyLink> : null}
            {r.path.length === 0 ? <CostlyLink href={links.archive(repo, r.refName, "zip")}>zip</CostlyLink> : null}
          </span>
        </div>
        <div class="head small">
          <ShaLink repo={repo} sha={r.commit.oid} />
          <span>{subjectOf(r.commit.message)}</span>
          <span class="muted">{r.commit.author.name}</span>
        </div>
        <div class="scroll">
          <table class="list">
            <tbody>
              {r.path.length > 0 ? (
                <tr>
                  <td colspan={3}>
                    <a href={links.tree(repo, r.refName, r.path.slice(0, -1))}>..</a>
                  </td>
                </tr>
              ) : null}
              {entries.map((e, i) => {
                const p = [...r.path, e.name];
                const href = e.kind === "tree" ? links.tree(repo, r.refName, p) : e.kind === "submodule" ? undefined : links.blob(repo, r.refName, p);
                const size = sizes[i];
                return (
                  <tr>
                    <td class="mono">
                      {href === undefined ? <span>{e.display}</span> : <a href={href}>{e.kind === "tree" ? `${e.display}/` : e.display}</a>}
                      {e.kind === "symlink" ? <span class="muted"> (symlink)</span> : e.kind === "submodule" ? <span class="muted"> (submodule at {e.oid.slice(0, 12)})</span> : null}
                    </td>
                    <td class="muted small">{e.kind === "exec" ? "executable" : ""}</td>
                    <td class="num muted small">{size ? formatSize(size.size) : ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
      {readme === undefined ? null : <Readme reader={reader} refName={r.refName} dir={r.path} entry={readme} />}
    </Frame>
  );
  return html(c, page, { policy: r.policy, private: req.access.private });
}
