// `/REPO/blame/REF/PATH`: each line with the commit that last changed it,
// grouped by commit, highlighted, with `#L12` anchors; and the blame ladder:
// `?up=N` climbs from line N to blame at the parent of its commit (at the
// path before a rename), landing on the line the parent diff maps it to, with
// the steps taken kept in the query (blame-ladder.ts) and shown as crumbs.
import { raw } from "hono/html";
import { LRUCache } from "lru-cache";
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import { blame, blameLine, BlameTimeoutError, type BlameData, type BlameJob } from "../git/blame.js";
import { mapToOld, parseHunks } from "../git/line-map.js";
import { gitPathArg, splitGitPath } from "../git/path-arg.js";
import { Frame } from "../layout/frame.js";
import { FileHead, shortRev } from "../layout/components.js";
import { blameTable, sourceRows, type SourceRows } from "../render/blame-table.js";
import { highlightLines, languageOf, plainLines } from "../render/highlight.js";
import { renderToString, send } from "../respond.js";
import { WEB_LIMITS } from "../limits.js";
import { resolveRevPath, type Resolved } from "../resolve.js";
import { displayPath, links } from "../url.js";
import { isBinary, lineCount, MAX_HIGHLIGHT_BYTES, MAX_SHOWN_BYTES } from "./blob.js";
import { extendTrail, parseTrail, rawQueryValues, trailBefore, trailQuery, type Trail } from "./blame-ladder.js";
import { formatSize, walkOr404 } from "./tree.js";

/** Blames just shown, so a climb from one of their lines need not blame again (a commit's blame never changes). */
const recent = new LRUCache<string, BlameData>({ maxSize: 400_000, sizeCalculation: (d) => Math.max(1, d.lines + d.suspects.length) });
/** The blame-independent part of each row, by blob and highlighting (a blob's rows never change). */
const rowsByBlob = new LRUCache<string, SourceRows>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (r) => r.bytes.length + r.ends.byteLength });
/** Where the table goes in the rendered page: a comment no escaped text can spell. */
const TABLE_SLOT = "<!--blame-table-->";

/** The request's query as sent (still percent-encoded). */
export function rawSearch(req: RepoRequest): string {
  const target = req.c.env?.incoming?.url;
  if (target !== undefined) {
    const q = target.indexOf("?");
    return q < 0 ? "" : target.slice(q + 1);
  }
  return new URL(req.c.req.url).search.replace(/^\?/, "");
}

/** Wait for a blame, turning a timeout into a 503 that says what to do instead. */
async function blameResult(req: RepoRequest, r: Resolved, job: BlameJob, pathText: string): Promise<BlameData> {
  try {
    const data = await job.result;
    recent.set(`${req.reader.name}\0${r.commit.oid}\0${pathText}`, data);
    return data;
  } catch (e) {
    if (e instanceof BlameTimeoutError) {
      throw new HttpError(503, "busy", `blame of ${pathText} at ${r.refName} ${e.message}; its history is too long to blame here. Try the file's history instead`, {
        details: { links: [{ href: links.log(req.reader.slug, r.refName, r.path), text: `history of ${pathText}` }] },
      });
    }
    throw e;
  }
}

function startBlame(req: RepoRequest, r: Resolved, pathText: string): BlameJob {
  return blame(req.reader, r.commit.oid, pathText, { timeoutMs: WEB_LIMITS.blameMs });
}

export async function blamePage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const r = await resolveRevPath(req, req.rest);
  const search = rawSearch(req);
  const trail = parseTrail(search);
  const up = rawQueryValues(search, "up");
  if (up.length > 0) {
    const target = await walkOr404(req, r);
    if (target.kind === "tree" || target.kind === "submodule") throw new HttpError(400, "bad_request", `${displayPath(r.path)} is not a file: up= climbs from a line of a file's blame`);
    return climb(req, r, { trail, up, pathText: gitPathArg(r.path, "Blame") });
  }
  const pathText = gitPathArg(r.path, "Blame");
  // git starts first: walking to the file and highlighting it happen while it blames.
  const job = startBlame(req, r, pathText);
  try {
    return await render(req, r, { job, trail, pathText });
  } finally {
    job.cancel();
  }
}

async function render(req: RepoRequest, r: Resolved, opts: { job: BlameJob; trail: Trail; pathText: string }): Promise<Response> {
  const { reader, c } = req;
  const { job, trail, pathText } = opts;
  const target = await walkOr404(req, r);
  if (target.kind === "tree") return c.redirect(links.tree(reader.slug, r.refName, r.path), 302);
  if (target.kind === "submodule") throw new HttpError(404, "not_found", `${displayPath(r.path)} is a submodule: it has no lines to blame`);
  const repo = reader.slug;
  const info = await reader.info(target.oid);
  const size = info?.size ?? 0;
  let notice: string | null = null;
  let bytes: Buffer | null = null;
  if (size > MAX_SHOWN_BYTES) notice = `This file is ${formatSize(size)}, too large to blame here.`;
  else {
    bytes = (await reader.blob(target.oid)) ?? Buffer.alloc(0);
    if (isBinary(bytes)) notice = `A binary file (${formatSize(size)}) has no lines to blame.`;
    else if (bytes.length === 0) notice = "The file is empty.";
  }
  let table: Buffer | null = null;
  let summary = formatSize(size);
  if (notice === null && bytes !== null) {
    await job.started;
    // While git blames: highlight the file and build the part of each row that does not depend on the blame.
    const name = r.path[r.path.length - 1]!.toString("utf8");
    const nl = bytes.indexOf(10);
    const lang = size > MAX_HIGHLIGHT_BYTES || target.kind === "symlink" ? null : languageOf(name, bytes.toString("utf8", 0, nl < 0 ? bytes.length : nl));
    const rowsKey = `${size > MAX_HIGHLIGHT_BYTES ? "plain" : lang}\0${target.oid}`;
    let rows = rowsByBlob.get(rowsKey);
    if (rows === undefined) {
      const text = bytes.toString("utf8");
      const lines = size > MAX_HIGHLIGHT_BYTES ? plainLines(text.endsWith("\n") ? text.slice(0, -1) : text) : highlightLines(text, lang, target.oid);
      rows = sourceRows(lines);
      rowsByBlob.set(rowsKey, rows);
    }
    const data = await blameResult(req, r, job, pathText);
    const q = trailQuery(trail);
    table = blameTable(data, rows, { commitHref: (oid) => links.commit(repo, oid), upPrefix: `?${q === "" ? "" : `${q}&`}up=` });
    const n = rows.ends.length;
    summary = `${n} line${n === 1 ? "" : "s"} · ${data.commits.length} commit${data.commits.length === 1 ? "" : "s"} · ${formatSize(size)}`;
  }
  const page = (
    <Frame title={`Blame ${displayPath(r.path)}`} repo={repo} tab="code" tabRef={r.refName} identity={req.identity}>
      {trail.steps.length > 0 || trail.omitted ? <Crumbs repo={repo} trail={trail} here={r} /> : null}
      <div class="box">
        <FileHead repo={repo} refName={r.refName} path={r.path} summary={`blame at ${shortRev(r.refName)} · ${summary}`}>
          <a href={links.blob(repo, r.refName, r.path)}>file</a>
          <a href={links.raw(repo, r.refName, r.path)}>raw</a>
          <a href={links.log(repo, r.refName, r.path)}>history</a>
        </FileHead>
        {table !== null ? <div class="scroll">{raw(TABLE_SLOT)}</div> : <div class="body">{notice}</div>}
      </div>
    </Frame>
  );
  const text = "<!doctype html>" + (await renderToString(page));
  // The table goes in as bytes, so its rows are not copied into the page's text and encoded again.
  const at = text.indexOf(TABLE_SLOT);
  const body = table === null ? text : Buffer.concat([Buffer.from(text.slice(0, at), "utf8"), table!, Buffer.from(text.slice(at + TABLE_SLOT.length), "utf8")]);
  return send(c, body, { policy: r.policy, private: req.access.private });
}

/** The breadcrumb of the blame ladder: each step climbed from, linked back to its line. */
function Crumbs(props: { repo: string; trail: Trail; here: Resolved }) {
  const { repo, trail, here } = props;
  return (
    <nav class="trail small" aria-label="blame ladder">
      <span class="muted">Blame ladder: </span>
      {trail.omitted ? <span class="muted">… → </span> : null}
      {trail.steps.map((s, i) => {
        const q = trailQuery(trailBefore(trail, i));
        return (
          <>
            <a href={`${links.blame(repo, s.rev, s.path)}${q === "" ? "" : `?${q}`}#L${s.line}`} rel="nofollow">
              {shortRev(s.rev)} {displayPath(s.path)}:{s.line}
            </a>
            {" → "}
          </>
        );
      })}
      <strong>
        {shortRev(here.refName)} {displayPath(here.path)}
      </strong>
    </nav>
  );
}

/** `?up=N`: redirect to blame at the parent of line N's commit, on the line the parent diff maps it to. */
async function climb(req: RepoRequest, r: Resolved, opts: { trail: Trail; up: string[]; pathText: string }): Promise<Response> {
  const { reader, c } = req;
  const { trail, up, pathText } = opts;
  if (up.length !== 1 || !/^[1-9]\d{0,6}$/.test(up[0]!)) {
    throw new HttpError(400, "bad_request", `up=${up.join(",").slice(0, 40)} must be one line number, e.g. ?up=12: the line to follow to the commit before`);
  }
  const n = Number(up[0]);
  let data = recent.get(`${reader.name}\0${r.commit.oid}\0${pathText}`);
  if (data === undefined) {
    const job = startBlame(req, r, pathText);
    data = await blameResult(req, r, job, pathText).finally(job.cancel);
  }
  if (n > data.lines) throw new HttpError(400, "bad_request", `up=${n} is past the end: ${pathText} has ${data.lines} lines at ${r.refName}`);
  const at = blameLine(data, n);
  const blameHere = { href: `${links.blame(reader.slug, r.refName, r.path)}#L${n}`, text: `back to line ${n}` };
  if (at === null || at.suspect.previous === null || at.commit.boundary) {
    const sha = at?.commit.oid;
    throw new HttpError(404, "not_found", `line ${n} of ${pathText} comes from ${sha === undefined ? "no commit" : `commit ${sha.slice(0, 12)}, where the file begins`}: there is nothing older to blame`, {
      details: { links: [...(sha === undefined ? [] : [{ href: links.commit(reader.slug, sha), text: `commit ${sha.slice(0, 12)}` }]), blameHere] },
    });
  }
  const previous = at.suspect.previous;
  const prevPath = splitGitPath(previous.path);
  const [prevCommit, lineCommit] = await Promise.all([reader.commit(previous.oid), reader.commit(at.commit.oid)]);
  const [before, after] = await Promise.all([
    prevCommit === null ? null : reader.walk(prevCommit, prevPath),
    lineCommit === null ? null : reader.walk(lineCommit, splitGitPath(at.suspect.path)),
  ]);
  if (before === null || after === null) {
    throw new HttpError(404, "not_found", `the version of ${pathText} before commit ${at.commit.oid.slice(0, 12)} cannot be read`, { details: { links: [blameHere] } });
  }
  let line = at.orig;
  if (before.oid !== after.oid) {
    const [diff, old] = await Promise.all([
      reader.git(["diff", "--no-color", "--no-ext-diff", "--no-textconv", "-U0", before.oid, after.oid], { timeoutMs: 10_000, maxBytes: 32 * 1024 * 1024 }),
      reader.blob(before.oid),
    ]);
    line = mapToOld(at.orig, parseHunks(diff.stdout.toString("utf8")), lineCount(old ?? Buffer.alloc(0)));
  }
  const q = trailQuery(extendTrail(trail, { rev: r.refName, line: n, path: r.path }));
  const to = `${links.blame(reader.slug, previous.oid, prevPath)}${q === "" ? "" : `?${q}`}#L${line}`;
  return c.redirect(to, 302);
}
