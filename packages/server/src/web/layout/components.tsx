// Small pieces pages share: times, shas, path crumbs, state pills and links
// to expensive pages (which carry rel=nofollow, so crawlers leave them be).
import type { Child } from "hono/jsx";
import { links } from "../url.js";

/** A moment as `2026-12-02 05:20 UTC`, machine-readable in `datetime`. Absolute, so cached pages stay true. */
export function Time(props: { ms: number | null | undefined; seconds?: boolean }) {
  if (props.ms === null || props.ms === undefined) return <span class="muted">—</span>;
  const iso = new Date(props.ms).toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 10)} ${iso.slice(11, props.seconds ? 19 : 16)} UTC`}</time>;
}

/** A duration such as `1m 05s`, `312ms`, `2h 03m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, "0")}h`;
}

/** How long ago, coarse (`3 days`), for ages of refs. */
export function formatAge(ms: number, nowMs = Date.now()): string {
  const d = Math.max(0, nowMs - ms);
  const min = Math.floor(d / 60_000);
  if (min < 1) return "just now";
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  const days = Math.floor(h / 24);
  if (days < 60) return `${days} days`;
  const months = Math.floor(days / 30);
  return months < 24 ? `${months} months` : `${Math.floor(days / 365)} years`;
}

/** A commit link showing the first 12 hex digits. */
export function ShaLink(props: { repo: string; sha: string }) {
  return (
    <a class="sha" href={links.commit(props.repo, props.sha)} title={props.sha}>
      {props.sha.slice(0, 12)}
    </a>
  );
}

/** A state such as `failed` in a coloured pill. */
export function StatePill(props: { state: string; label?: string }) {
  return <span class={`pill state-${props.state}`}>{props.label ?? props.state}</span>;
}

/** A link to a page that costs real work (blame, line history, archives): never followed by crawlers. */
export function CostlyLink(props: { href: string; children?: Child; title?: string }) {
  return (
    <a href={props.href} rel="nofollow" title={props.title}>
      {props.children}
    </a>
  );
}

/**
 * Crumbs of a path inside the tree: `repo / dir / file`, each directory a link
 * to its tree at `ref`. Names are shown as text (escaped by construction).
 */
export function PathCrumbs(props: { repo: string; refName: string; path: readonly Buffer[] }) {
  const { repo, refName, path } = props;
  const base = repo.split("/").pop()!;
  return (
    <span class="mono">
      <a href={links.tree(repo, refName)}>{base}</a>
      {path.map((seg, i) => (
        <>
          {" / "}
          {i === path.length - 1 ? <strong>{seg.toString("utf8")}</strong> : <a href={links.tree(repo, refName, path.slice(0, i + 1))}>{seg.toString("utf8")}</a>}
        </>
      ))}
    </span>
  );
}

/** A ref as pages show it: a full sha cut to 8 digits, a name as it is. */
export function shortRev(rev: string): string {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(rev) ? rev.slice(0, 8) : rev;
}

/** The head of a file's box: path crumbs, a summary, and links to the file's other views (children). */
export function FileHead(props: { repo: string; refName: string; path: readonly Buffer[]; summary: Child; children?: Child }) {
  return (
    <div class="head">
      <PathCrumbs repo={props.repo} refName={props.refName} path={props.path} />
      <span class="muted small">{props.summary}</span>
      <span class="actions">{props.children}</span>
    </div>
  );
}
