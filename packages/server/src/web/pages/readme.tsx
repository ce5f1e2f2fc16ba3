// A directory's README, found among its entries and rendered: Markdown
// through render/markdown.ts with relative links and images pointed at the
// same ref, anything else as preformatted text. Used by the home and tree pages.
import { raw } from "hono/html";
import { LRUCache } from "lru-cache";
import path from "node:path/posix";
import type { RepoReader } from "../git/reader.js";
import type { TreeEntry } from "../git/objects.js";
import { renderMarkdown } from "../render/markdown.js";
import { links } from "../url.js";

/** Largest README rendered; a bigger one is linked instead. */
const MAX_README_BYTES = 512 * 1024;

/** Rendered READMEs by blob, repository, ref and directory: the blob never changes, the links depend on the rest. */
const rendered = new LRUCache<string, string>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (s) => s.length + 64 });

/** The README among `entries`, preferring Markdown. */
export function findReadme(entries: readonly TreeEntry[]): TreeEntry | undefined {
  const files = entries.filter((e) => e.kind === "blob" || e.kind === "exec");
  const rank = (name: string) => {
    const n = name.toLowerCase();
    if (!n.startsWith("readme")) return -1;
    if (/^readme\.(md|markdown|mdown|mkd)$/.test(n)) return 3;
    if (n === "readme" || n === "readme.txt") return 2;
    return 1;
  };
  return files.filter((e) => rank(e.display) >= 0).sort((a, b) => rank(b.display) - rank(a.display))[0];
}

/** Resolve a README's relative URL against its directory; null when it climbs out of the tree. */
function resolveRelative(dir: readonly Buffer[], href: string): { segments: string[]; fragment: string } | null {
  const [pathPart, ...frag] = href.split("#");
  const noQuery = (pathPart ?? "").split("?")[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(noQuery);
  } catch {
    return null;
  }
  const base = dir.map((s) => s.toString("utf8")).join("/");
  const joined = decoded.startsWith("/") ? decoded.slice(1) : path.join(base, decoded);
  const norm = path.normalize(joined);
  if (norm.startsWith("..")) return null;
  const segments = norm === "." || norm === "" ? [] : norm.split("/").filter((s) => s !== "" && s !== ".");
  return { segments, fragment: frag.length > 0 ? `#${frag.join("#")}` : "" };
}

/** A Markdown README as HTML, its relative links pointed at `refName` in `repo`; kept by blob, ref and directory. */
function markdownOf(repo: string, refName: string, dir: readonly Buffer[], oid: string, text: string): string {
  const key = `${oid}\0${repo}\0${refName}\0${dir.map((d) => d.toString("hex")).join("/")}`;
  const known = rendered.get(key);
  if (known !== undefined) return known;
  const html = renderMarkdown(text, {
    link: (href) => {
      const r = resolveRelative(dir, href);
      if (r === null) return null;
      const isDir = href.split(/[?#]/)[0]!.endsWith("/") || r.segments.length === 0;
      return (isDir ? links.tree(repo, refName, r.segments) : links.blob(repo, refName, r.segments)) + r.fragment;
    },
    image: (src) => {
      const r = resolveRelative(dir, src);
      return r === null || r.segments.length === 0 ? null : links.raw(repo, refName, r.segments);
    },
  });
  rendered.set(key, html);
  return html;
}

export async function Readme(props: { reader: RepoReader; refName: string; dir: readonly Buffer[]; entry: TreeEntry }) {
  const { reader, refName, dir, entry } = props;
  const info = await reader.info(entry.oid);
  if (info === null || info.size > MAX_README_BYTES) {
    return (
      <p class="muted">
        {entry.display} is too large to show here: <a href={links.blob(reader.slug, refName, [...dir, entry.name])}>open it</a>.
      </p>
    );
  }
  const bytes = (await reader.blob(entry.oid)) ?? Buffer.alloc(0);
  const text = bytes.toString("utf8");
  const isMarkdown = /\.(md|markdown|mdown|mkd)$/i.test(entry.display);
  const body = isMarkdown ? raw(markdownOf(reader.slug, refName, dir, entry.oid, text)) : null;
  return (
    <div class="box" id="readme">
      <div class="head">
        <strong>{entry.display}</strong>
      </div>
      <div class="body">{body === null ? <pre>{text}</pre> : <div class="markdown">{body}</div>}</div>
    </div>
  );
}
