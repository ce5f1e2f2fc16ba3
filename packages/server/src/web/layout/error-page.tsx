// The HTML answer to a failed page request: the status, the message the
// error carries (it says what to do), and the links it offers (a friendly
// 404 names where a ref went). 500s say only to look at the server log.
import { HttpError } from "../../errors.js";
import { Frame } from "./frame.js";
import { etagOf, PAGE_CSP, renderToString, SECURITY_HEADERS } from "../respond.js";

const TITLES: Record<number, string> = { 400: "Bad request", 403: "Sign in needed", 404: "Not found", 405: "Not allowed", 503: "Busy" };

/** Render `err` as a page; anything not an HttpError is a 500 that leaks nothing. */
export async function errorPage(err: Error): Promise<Response> {
  const status = err instanceof HttpError ? err.status : 500;
  const message = err instanceof HttpError ? err.message : "Something went wrong on the server; the operator can find the details in its log.";
  const found = err instanceof HttpError ? err.details.links : undefined;
  const list = Array.isArray(found) ? (found as { href: string; text: string }[]) : [];
  const title = TITLES[status] ?? (status >= 500 ? "Server error" : "Error");
  const page = (
    <Frame title={title}>
      <h1>
        {status} · {title}
      </h1>
      <p>{message}</p>
      {list.length > 0 ? (
        <ul>
          {list.map((l) => (
            <li>
              <a href={l.href}>{l.text}</a>
            </li>
          ))}
        </ul>
      ) : null}
      <p class="muted small">
        <a href="/">All repositories</a>
      </p>
    </Frame>
  );
  const body = "<!doctype html>" + (await renderToString(page));
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": PAGE_CSP,
    "Cache-Control": "no-store",
    ETag: etagOf(body),
  };
  if (status === 503) headers["Retry-After"] = "5";
  return new Response(body, { status, headers });
}
