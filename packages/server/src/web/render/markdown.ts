// Markdown to safe HTML behind one function: markdown-it renders (raw HTML
// allowed, as READMEs use it), then sanitize-html keeps only an allowlist of
// tags, attributes and URL schemes, and rewrites relative links and images
// through the caller's resolver (to the same ref's blob and raw URLs).
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

export interface MarkdownLinks {
  /** Where a relative link (`docs/a.md`, `../x`) should point, or null to drop it. */
  link(href: string): string | null;
  /** Where a relative image source should point, or null to drop it. */
  image(src: string): string | null;
}

const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

/** Heading ids carry a prefix so a README cannot clobber the page's own ids (`L12`, …). */
export const HEADING_PREFIX = "md-";

function slug(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s+/g, "-");
}

md.core.ruler.push("heading_ids", (state) => {
  const seen = new Map<string, number>();
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== "heading_open") continue;
    const inline = tokens[i + 1];
    const base = slug(inline?.content ?? "") || "section";
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    t.attrSet("id", HEADING_PREFIX + (n === 0 ? base : `${base}-${n}`));
  }
});

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

const BASE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "kbd", "samp", "var", "sub", "sup",
    "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "abbr", "q", "cite", "dfn",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "picture", "source",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "details", "summary", "div", "span", "figure", "figcaption", "center",
  ],
  allowedAttributes: {
    a: ["href", "title", "id"],
    img: ["src", "alt", "title", "width", "height", "align"],
    source: ["srcset", "media", "type"],
    h1: ["id"], h2: ["id"], h3: ["id"], h4: ["id"], h5: ["id"], h6: ["id"],
    th: ["align", "colspan", "rowspan"],
    td: ["align", "colspan", "rowspan"],
    ol: ["start", "type"],
    code: ["class"],
    div: ["align"],
    p: ["align"],
    details: ["open"],
    abbr: ["title"],
  },
  allowedClasses: { code: [/^language-[\w+-]+$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https", "data"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "srcset", "cite"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
};

/**
 * Render `source` as sanitized HTML. Relative URLs go through `links`;
 * `#anchors` are pointed at the prefixed heading ids; anything with a scheme
 * outside http(s)/mailto (javascript:, vbscript:, data: links) is dropped.
 */
export function renderMarkdown(source: string, links: MarkdownLinks): string {
  const unsafe = md.render(source);
  return sanitizeHtml(unsafe, {
    ...BASE_OPTIONS,
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs.href;
        if (href !== undefined) {
          const h = href.trim();
          if (h.startsWith("#")) attribs.href = `#${HEADING_PREFIX}${h.slice(1)}`;
          else if (!ABSOLUTE.test(h) && !h.startsWith("//")) {
            const to = links.link(h);
            if (to === null) delete attribs.href;
            else attribs.href = to;
          }
        }
        if (attribs.id !== undefined) attribs.id = HEADING_PREFIX + attribs.id;
        return { tagName, attribs };
      },
      img: (tagName, attribs) => {
        const src = attribs.src?.trim();
        if (src !== undefined && !ABSOLUTE.test(src) && !src.startsWith("//")) {
          const to = links.image(src);
          if (to === null) delete attribs.src;
          else attribs.src = to;
        }
        // Only raster images may be inlined as data: URLs; an SVG data URL could carry script.
        if (attribs.src !== undefined && /^data:/i.test(attribs.src) && !/^data:image\/(png|gif|jpe?g|webp);/i.test(attribs.src)) delete attribs.src;
        return { tagName, attribs };
      },
    },
  });
}
