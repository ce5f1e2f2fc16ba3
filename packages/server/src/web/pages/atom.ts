// `/REPO/atom[/REF]`: an Atom feed of the newest commits of a ref (the
// default branch when none is named), walked in process in `git log`'s
// order. Built as a string: every text escaped for XML, characters XML
// cannot carry replaced, ids that never change (the commit's page).
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import type { Commit } from "../git/objects.js";
import { bodyOf } from "../git/objects.js";
import { gitSubject, walkCommits } from "../git/walk.js";
import { send } from "../respond.js";
import { resolveRevPath, type Resolved } from "../resolve.js";
import { links } from "../url.js";
import { repoDescription } from "./repo-list.js";

/** Commits a feed lists. */
export const FEED_ENTRIES = 20;

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Text for XML content and attributes: escaped, and without the characters XML 1.0 forbids even escaped. */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/** An RFC 3339 time, as Atom wants, from seconds since the epoch. */
function atomTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function entry(base: string, repo: string, commit: Commit): string {
  const href = base + links.commit(repo, commit.oid);
  const subject = gitSubject(commit.message) || "(no subject)";
  const body = bodyOf(commit.message);
  return [
    "<entry>",
    `<title>${xmlText(subject)}</title>`,
    `<id>${xmlText(href)}</id>`,
    `<link rel="alternate" type="text/html" href="${xmlText(href)}"/>`,
    `<updated>${atomTime(commit.committer.time)}</updated>`,
    `<published>${atomTime(commit.author.time)}</published>`,
    `<author><name>${xmlText(commit.author.name || "unknown")}</name></author>`,
    `<content type="text">${xmlText(body === "" ? subject : `${subject}\n\n${body}`)}</content>`,
    "</entry>",
  ].join("");
}

/** The feed's ref: the one the URL names, or the default branch. */
async function feedRef(req: RepoRequest): Promise<Resolved> {
  const { reader } = req;
  if (req.rest.length > 0) {
    const r = await resolveRevPath(req, req.rest);
    if (r.path.length > 0) {
      throw new HttpError(404, "not_found", `${reader.slug} has no branch, tag or commit named ${JSON.stringify(req.rest.map((s) => s.toString("utf8")).join("/"))}`, {
        details: { links: [{ href: links.refs(reader.slug), text: "branches and tags" }] },
      });
    }
    return r;
  }
  const refs = await reader.refs();
  const head = refs.byName.get(refs.head);
  const commit = head === undefined ? null : await reader.commit(head.commit);
  if (head === undefined || commit === null) throw new HttpError(404, "not_found", `${reader.slug} has no commits yet, so it has no feed`);
  return { refName: head.short, ref: head, commit, path: [], policy: "ref" };
}

export async function atomPage(req: RepoRequest): Promise<Response> {
  const { reader, web, c } = req;
  const repo = reader.slug;
  const r = await feedRef(req);
  const commits: Commit[] = [];
  await walkCommits((oid) => reader.commit(oid), r.commit.oid, (commit) => commits.push(commit) < FEED_ENTRIES);
  const base = web.baseUrl();
  const self = base + (req.rest.length === 0 ? links.atom(repo) : links.atom(repo, r.refName));
  // The description lives outside git: a feed addressed by a full sha leaves it out, so it never changes.
  const description = r.policy === "sha" ? "" : await repoDescription(reader);
  const xml = [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<title>${xmlText(`${repo}: ${r.refName}`)}</title>`,
    description === "" ? "" : `<subtitle>${xmlText(description)}</subtitle>`,
    `<id>${xmlText(self)}</id>`,
    `<link rel="self" type="application/atom+xml" href="${xmlText(self)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlText(base + links.log(repo, r.refName))}"/>`,
    // The newest commit's date, not the time of the request: the feed changes only when the ref does.
    `<updated>${atomTime(Math.max(...commits.map((k) => k.committer.time)))}</updated>`,
    "<generator>quire</generator>",
    ...commits.map((k) => entry(base, repo, k)),
    "</feed>\n",
  ].join("");
  return send(c, xml, { policy: r.policy, private: req.access.private, type: "application/atom+xml; charset=utf-8" });
}
