// How pages answer: HTML with the security headers every page carries, a
// strong ETag, and the cache policy that decides Cache-Control and whether
// the router keeps the page (cache/page-cache.ts).
import { createHash } from "node:crypto";
import type { HtmlEscapedString } from "hono/utils/html";
import type { CachePolicy } from "./cache/page-cache.js";
import type { WebContext } from "./context.js";

/** No inline script or style anywhere; images may come from https (README badges). */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data: https:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

/** A year: the longest max-age worth sending with `immutable`. */
const FOREVER = 31_536_000;

/** A Buffer as a response body (a Buffer is a Uint8Array over an ArrayBuffer; the DOM typings want that said). */
export function responseBody(bytes: Buffer): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

export function etagOf(body: Buffer | string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

export interface SendOptions {
  policy: CachePolicy;
  /** The repository is private: shared caches must not keep the page. */
  private?: boolean;
  status?: number;
  type?: string;
  headers?: Record<string, string>;
}

/** The Cache-Control header for a policy. */
export function cacheControl(policy: CachePolicy, isPrivate = false): string {
  if (policy === "sha") return `${isPrivate ? "private" : "public"}, max-age=${FOREVER}, immutable`;
  return isPrivate ? "private, no-cache" : "no-cache";
}

/** The bytes of each response send() made, so the page cache keeps them without reading the response again. */
const sentBodies = new WeakMap<Response, Buffer>();

/** The body of a response made by send(); undefined for any other response. */
export function sentBody(response: Response): Buffer | undefined {
  return sentBodies.get(response);
}

/** Send `body` with ETag (304 when the client has it) and the policy's caching headers. */
export function send(c: WebContext, body: Buffer | string, options: SendOptions): Response {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const etag = etagOf(bytes);
  c.set("cachePolicy", options.policy);
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "Content-Type": options.type ?? "text/html; charset=utf-8",
    "Cache-Control": cacheControl(options.policy, options.private),
    ETag: etag,
    ...(options.type === undefined || options.type.startsWith("text/html") ? { "Content-Security-Policy": PAGE_CSP } : {}),
    ...options.headers,
  };
  const status = options.status ?? 200;
  if (status === 200 && ifNoneMatch(c.req.header("If-None-Match"), etag)) return new Response(null, { status: 304, headers });
  const response = new Response(responseBody(bytes), { status, headers });
  sentBodies.set(response, bytes);
  return response;
}

/** A rendered JSX element as a string; async components are awaited. */
export async function renderToString(page: HtmlEscapedString | Promise<HtmlEscapedString>): Promise<string> {
  return String(await (await page).toString());
}

/** Render a page (a JSX element) and send it as HTML. */
export async function html(c: WebContext, page: HtmlEscapedString | Promise<HtmlEscapedString>, options: SendOptions): Promise<Response> {
  return send(c, "<!doctype html>" + (await renderToString(page)), options);
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === "*");
}
