// The frame every HTML page shares: head (stylesheet, script, no inline
// code, so the CSP forbids all inline script), the site bar with the repo
// crumbs, the repo tabs, and the footer. Pages render only their own body.
import type { Child } from "hono/jsx";
import { ASSETS } from "./assets.js";
import { links } from "../url.js";
import type { Identity } from "../auth/identity.js";

export type RepoTab = "code" | "log" | "refs" | "runs";

export interface FrameProps {
  title: string;
  /** The repository the page belongs to (its slug), for crumbs and tabs. */
  repo?: string;
  /** A ref the tabs should keep (the page's ref), when not the default branch. */
  tabRef?: string;
  tab?: RepoTab;
  /** The default branch's short name, for the Log tab when there is no `tabRef` (else `/REPO/log` redirects to it). */
  defaultBranch?: string;
  identity?: Identity | null;
  /** Extra <head> links (feeds). */
  feeds?: { href: string; title: string }[];
  /** Extra stylesheets by asset name (`ansi.css` on run pages). */
  styles?: string[];
  children?: Child;
}

function Tabs(props: { repo: string; tab?: RepoTab; tabRef?: string; defaultBranch?: string }) {
  const { repo, tab, tabRef } = props;
  const logRef = tabRef ?? props.defaultBranch;
  const items: [RepoTab, string, string][] = [
    ["code", "Code", tabRef === undefined ? links.repo(repo) : links.tree(repo, tabRef)],
    ["log", "Log", logRef === undefined ? `${links.repo(repo)}/log` : links.log(repo, logRef)],
    ["refs", "Refs", links.refs(repo)],
    ["runs", "Runs", links.runs(repo)],
  ];
  return (
    <nav class="tabs" aria-label="repository">
      {items.map(([id, label, href]) => (
        <a href={href} aria-current={id === tab ? "page" : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

/** The repository crumbs: `group / name`, each a link. */
function RepoCrumbs(props: { repo: string }) {
  const parts = props.repo.split("/");
  return (
    <span class="crumbs">
      {parts.length === 2 ? <span class="muted">{parts[0]} / </span> : null}
      <a href={links.repo(props.repo)}>{parts[parts.length - 1]}</a>
    </span>
  );
}

export function Frame(props: FrameProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.repo === undefined || props.title === props.repo ? `${props.title} · quire` : `${props.title} · ${props.repo}`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={ASSETS["style.css"]!.path} />
        {(props.styles ?? []).map((name) => (
          <link rel="stylesheet" href={ASSETS[name]!.path} />
        ))}
        {(props.feeds ?? []).map((f) => (
          <link rel="alternate" type="application/atom+xml" title={f.title} href={f.href} />
        ))}
        <script src={ASSETS["app.js"]!.path} defer></script>
      </head>
      <body>
        <header class="site">
          <div class="bar">
            <a class="brand" href={links.home()}>
              quire
            </a>
            {props.repo === undefined ? null : <RepoCrumbs repo={props.repo} />}
            {props.identity ? <span class="who">signed in as {props.identity.user}</span> : null}
          </div>
          {props.repo === undefined ? null : <Tabs repo={props.repo} tab={props.tab} tabRef={props.tabRef} defaultBranch={props.defaultBranch} />}
        </header>
        <main>{props.children}</main>
        <footer class="site">quire</footer>
      </body>
    </html>
  );
}
