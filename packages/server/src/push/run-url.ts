// The web URL of a run, printed to the pusher and by `quire ci`. `:host`
// (config.fnl) names the public host; without it, the server's own address.
// The path comes from the web view's own link builder, so it opens the run page.
import { links } from "../web/url.js";

/** Base URL for links: `:host` ("git.example.org" → https, or a full "http://…" URL), else `serverUrl`. */
export function publicBaseUrl(host: string | null, serverUrl: string): string {
  if (host === null || host === "") return serverUrl.replace(/\/+$/, "");
  return (/^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`).replace(/\/+$/, "");
}

/** `<base>/<repo without .git>/runs/<id>`, with `base` from publicBaseUrl. */
export function runUrl(base: string, run: { repo: string; id: string }): string {
  return `${base}${links.run(run.repo.replace(/\.git$/, ""), run.id)}`;
}
