// Static assets of the web view (the stylesheet and the small live-update
// script), served under /-/ at URLs that carry their content hash, so they
// are cached for good and change URL when they change.
import { createHash } from "node:crypto";
import { STYLE_CSS } from "./style.js";
import { APP_JS } from "./script.js";
import { ANSI_CSS } from "./ansi-style.js";

export interface Asset {
  path: string;
  type: string;
  body: string;
  etag: string;
}

function asset(name: string, type: string, body: string): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/-/${name}?v=${hash}`, type, body, etag: `"${hash}"` };
}

export const ASSETS: Record<string, Asset> = {
  "style.css": asset("style.css", "text/css; charset=utf-8", STYLE_CSS),
  "app.js": asset("app.js", "text/javascript; charset=utf-8", APP_JS),
  "ansi.css": asset("ansi.css", "text/css; charset=utf-8", ANSI_CSS),
};
