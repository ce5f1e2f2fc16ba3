// `/REPO/raw/REF/PATH`: a file's bytes with a content type that cannot run in
// the browser: images as themselves, everything else text/plain or
// octet-stream, always nosniff and a sandboxing CSP (HTML is served as text).
import { HttpError } from "../../errors.js";
import type { RepoRequest } from "../context.js";
import { cacheControl, responseBody } from "../respond.js";
import { resolveRevPath } from "../resolve.js";
import { isBinary } from "./blob.js";
import { walkOr404 } from "./tree.js";
import { links } from "../url.js";

/** The only types raw answers with besides text/plain and octet-stream. */
const SAFE_TYPES: Record<string, string> = {
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp",
  bmp: "image/bmp", ico: "image/x-icon", avif: "image/avif", svg: "image/svg+xml", pdf: "application/pdf",
};

/** Nothing a raw file says may run, load, or be framed; SVG and PDF get a sandbox too. */
export const RAW_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

/** The content type raw serves `name` with. */
export function rawContentType(name: string, bytes: Buffer): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  const safe = ext === undefined ? undefined : SAFE_TYPES[ext];
  if (safe !== undefined) return safe;
  return isBinary(bytes) ? "application/octet-stream" : "text/plain; charset=utf-8";
}

export async function rawPage(req: RepoRequest): Promise<Response> {
  const { reader, c } = req;
  const r = await resolveRevPath(req, req.rest);
  const target = await walkOr404(req, r);
  if (target.kind === "tree") return c.redirect(links.tree(reader.slug, r.refName, r.path), 302);
  if (target.kind === "submodule") throw new HttpError(404, "not_found", "a submodule has no bytes of its own to download");
  const bytes = await reader.blob(target.oid);
  if (bytes === null) throw new HttpError(404, "not_found", "the file's contents are missing from the repository");
  const name = r.path[r.path.length - 1]!.toString("utf8");
  // The blob id is the content: a strong ETag that holds across refs.
  const etag = `"${target.oid}"`;
  const headers: Record<string, string> = {
    "Content-Type": rawContentType(name, bytes),
    "Content-Security-Policy": RAW_CSP,
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Disposition": `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
    "Cache-Control": cacheControl(r.policy, req.access.private),
    ETag: etag,
  };
  if (c.req.header("If-None-Match")?.split(",").some((t) => t.trim() === etag)) return new Response(null, { status: 304, headers });
  return new Response(responseBody(bytes), { status: 200, headers });
}
