// `/REPO/archive/REF.tar.gz` and `.zip`: a snapshot of a ref, streamed from
// `git archive` as it is written (never held whole), under one top-level
// directory `REPO-REF/` and offered as the file `REPO-REF.tar.gz`. Heavy
// work: bounded in time and in how many run at once; a client that goes
// away stops git.
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import { responseBody } from "../git/stream-body.js";
import { WEB_LIMITS } from "../limits.js";
import { cacheControl } from "../respond.js";
import { resolveRevPath } from "../resolve.js";
import { links, segmentText } from "../url.js";

const FORMATS = {
  "tar.gz": { type: "application/gzip", git: "tar.gz" },
  zip: { type: "application/zip", git: "zip" },
} as const;
type Format = keyof typeof FORMATS;

/** `REPO-REF`: the archive's top-level directory and file name, in characters any file system takes. */
export function archiveName(repoSlug: string, refName: string): string {
  const base = repoSlug.split("/").pop()!;
  return `${base}-${refName}`.replace(/[^A-Za-z0-9._+-]/g, "-").replace(/^[.-]+/, "");
}

export async function archivePage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const repo = reader.slug;
  const last = req.rest.length === 0 ? undefined : segmentText(req.rest[req.rest.length - 1]!);
  const m = last === undefined ? null : /^(.+)\.(tar\.gz|zip)$/.exec(last);
  if (m === null) {
    throw new HttpError(404, "not_found", `archives are named REF.tar.gz or REF.zip, e.g. ${links.archive(repo, "main", "tar.gz")}`, {
      details: { links: [{ href: links.refs(repo), text: "branches and tags" }] },
    });
  }
  const format = m[2] as Format;
  const r = await resolveRevPath(req, [...req.rest.slice(0, -1), Buffer.from(m[1]!, "utf8")]);
  if (r.path.length > 0) {
    throw new HttpError(404, "not_found", `${repo} has no branch, tag or commit named ${JSON.stringify(req.rest.map((s) => s.toString("utf8")).join("/").replace(/\.(tar\.gz|zip)$/, ""))}`, {
      details: { links: [{ href: links.refs(repo), text: "branches and tags" }] },
    });
  }
  const name = archiveName(repo, r.refName);
  // The same commit, name and format give the same bytes from the same git: a weak tag says as much.
  const etag = `W/"${r.commit.oid}.${name}.${format}"`;
  const headers: Record<string, string> = {
    "Content-Type": FORMATS[format].type,
    "Content-Disposition": `attachment; filename="${name}.${format}"`,
    "Cache-Control": cacheControl(r.policy, req.access.private),
    "X-Content-Type-Options": "nosniff",
    ETag: etag,
  };
  if (c.req.header("If-None-Match")?.split(",").some((t) => t.trim() === etag)) return new Response(null, { status: 304, headers });
  if (c.req.method === "HEAD") return new Response(null, { status: 200, headers });
  const proc = await reader.stream(["archive", `--format=${FORMATS[format].git}`, `--prefix=${name}/`, r.commit.oid], {
    heavy: true,
    timeoutMs: WEB_LIMITS.archiveMs,
  });
  return new Response(responseBody(proc, "git archive"), { status: 200, headers });
}
