// `/REPO/blob/REF/PATH`: one file with line numbers and `#L12` anchors,
// highlighted (render/highlight.ts); images shown, binary files described,
// large files plain or linked. Links to raw, blame and history.
import { raw } from "hono/html";
import type { RepoRequest } from "../context.js";
import { Frame } from "../layout/frame.js";
import { CostlyLink, PathCrumbs } from "../layout/components.js";
import { html } from "../respond.js";
import { resolveRevPath } from "../resolve.js";
import { displayPath, links } from "../url.js";
import { codeTable, parseLineRange } from "../render/code-table.js";
import { highlightLines, languageOf, plainLines } from "../render/highlight.js";
import { formatSize, walkOr404 } from "./tree.js";

/** Files over this are not shown inline at all: only linked raw. */
export const MAX_SHOWN_BYTES = 5 * 1024 * 1024;
/** Files over this are shown plain, without highlighting. */
export const MAX_HIGHLIGHT_BYTES = 512 * 1024;

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|ico|avif|svg)$/i;

/** git's own test: a NUL byte in the first 8000 bytes makes a file binary. */
export function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/** Lines of a text file: newline-terminated lines, plus a last line without one. */
export function lineCount(bytes: Buffer): number {
  if (bytes.length === 0) return 0;
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return bytes[bytes.length - 1] === 10 ? n : n + 1;
}

export async function blobPage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const r = await resolveRevPath(req, req.rest);
  const target = await walkOr404(req, r);
  if (target.kind === "tree") return c.redirect(links.tree(reader.slug, r.refName, r.path), 302);
  const repo = reader.slug;
  // A range marked with ?lines=A-B: highlighted, and the line history link goes straight to it (the history page offers a form otherwise).
  const marked = parseLineRange(c.req.query("lines"));
  const name = r.path.length > 0 ? r.path[r.path.length - 1]!.toString("utf8") : "";
  const info = target.kind === "submodule" ? null : await reader.info(target.oid);
  const size = info?.size ?? 0;
  let content: unknown;
  let summary = target.kind === "submodule" ? "submodule" : formatSize(size);
  if (target.kind === "submodule") {
    content = (
      <div class="body">
        A submodule at commit <span class="mono">{target.oid}</span>.
      </div>
    );
  } else if (size > MAX_SHOWN_BYTES) {
    content = (
      <div class="body">
        This file is {formatSize(size)}, too large to show here. <a href={links.raw(repo, r.refName, r.path)}>Download it raw</a>.
      </div>
    );
  } else {
    const bytes = (await reader.blob(target.oid)) ?? Buffer.alloc(0);
    if (IMAGE.test(name)) {
      content = (
        <div class="body">
          <img src={links.raw(repo, r.refName, r.path)} alt={name} />
        </div>
      );
    } else if (isBinary(bytes)) {
      content = (
        <div class="body">
          A binary file ({formatSize(size)}). <a href={links.raw(repo, r.refName, r.path)}>Download it raw</a>.
        </div>
      );
    } else {
      const text = bytes.toString("utf8");
      const firstLine = text.slice(0, text.indexOf("\n") >>> 0);
      const lang = target.kind === "symlink" ? null : languageOf(name, firstLine);
      const tooBig = size > MAX_HIGHLIGHT_BYTES;
      const lines = tooBig ? plainLines(text.endsWith("\n") ? text.slice(0, -1) : text) : highlightLines(text, lang, target.oid);
      summary = `${lines.length} line${lines.length === 1 ? "" : "s"} · ${formatSize(size)}${lang !== null && !tooBig ? ` · ${lang}` : ""}`;
      content = (
        <>
          {tooBig ? <div class="notice small">This file is over {formatSize(MAX_HIGHLIGHT_BYTES)}, so it is shown without highlighting.</div> : null}
          {target.kind === "symlink" ? <div class="notice small">A symbolic link to the path below.</div> : null}
          <div class="scroll">{raw(codeTable(lines, { marked }))}</div>
        </>
      );
    }
  }
  const historyBase = links.history(repo, r.refName, r.path, { from: 1, to: 1 }).replace(/\?.*$/, "");
  const page = (
    <Frame title={displayPath(r.path)} repo={repo} tab="code" tabRef={r.refName} identity={req.identity}>
      <div class="box">
        <div class="head">
          <PathCrumbs repo={repo} refName={r.refName} path={r.path} />
          <span class="muted small">{summary}</span>
          <span class="actions">
            <a href={links.raw(repo, r.refName, r.path)}>raw</a>
            <CostlyLink href={links.blame(repo, r.refName, r.path)}>blame</CostlyLink>
            <a href={links.log(repo, r.refName, r.path)}>history</a>
            <a href={marked === null ? historyBase : links.history(repo, r.refName, r.path, marked)} rel="nofollow" data-history={historyBase}>
              line history
            </a>
          </span>
        </div>
        {content}
      </div>
    </Frame>
  );
  return html(c, page, { policy: r.policy, private: req.access.private });
}
