// The web view's one stylesheet, served at a content-hashed URL (assets.ts).
// Light and dark by prefers-color-scheme; one column that narrows to a phone.
// Highlight token classes (hl-*) come from render/highlight.ts.

export const STYLE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --subtle: #f6f8fa;
  --link: #0550ae; --accent: #0969da; --mark: #fff8c5; --mark-border: #d4a72c;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --idle: #59636e; --active: #0969da;
  --add-bg: #dafbe1; --del-bg: #ffebe9; --add-fg: #116329; --del-fg: #82071e;
  --kwd: #cf222e; --str: #0a3069; --cmnt: #59636e; --num: #0550ae; --func: #8250df; --type: #953800; --oper: #1f2328; --var: #0550ae;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --subtle: #151b23;
    --link: #4493f8; --accent: #4493f8; --mark: #3b2e00; --mark-border: #bb8009;
    --ok: #3fb950; --bad: #f85149; --warn: #d29922; --idle: #9198a1; --active: #4493f8;
    --add-bg: #12261e; --del-bg: #25171c; --add-fg: #7ee787; --del-fg: #ffa198;
    --kwd: #ff7b72; --str: #a5d6ff; --cmnt: #9198a1; --num: #79c0ff; --func: #d2a8ff; --type: #ffa657; --oper: #e6edf3; --var: #79c0ff;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono, .sha { font-family: var(--mono); font-size: 13px; }
header.site { border-bottom: 1px solid var(--border); background: var(--subtle); }
header.site .bar, main, footer.site { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
header.site .bar { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; padding-top: 10px; padding-bottom: 6px; }
header.site .brand { font-weight: 700; color: var(--fg); }
header.site .crumbs { font-size: 17px; overflow-wrap: anywhere; }
header.site .crumbs a { font-weight: 600; }
header.site .who { margin-left: auto; color: var(--muted); font-size: 13px; }
nav.tabs { display: flex; flex-wrap: wrap; gap: 2px 18px; max-width: 1200px; margin: 0 auto; padding: 0 16px; }
nav.tabs a { padding: 6px 2px; color: var(--muted); border-bottom: 2px solid transparent; }
nav.tabs a[aria-current="page"] { color: var(--fg); border-bottom-color: var(--accent); font-weight: 600; }
main { padding-top: 16px; padding-bottom: 32px; }
footer.site { color: var(--muted); font-size: 12px; padding-bottom: 24px; }
h1 { font-size: 22px; margin: 0 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 24px 0 8px; }
.muted { color: var(--muted); }
.small { font-size: 13px; }
.box { border: 1px solid var(--border); border-radius: 6px; overflow: hidden; margin: 0 0 16px; }
.box > .head { background: var(--subtle); border-bottom: 1px solid var(--border); padding: 8px 12px; display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; }
.box > .head .actions { margin-left: auto; display: flex; gap: 12px; font-size: 13px; }
.box > .body { padding: 12px 16px; }
.notice { border: 1px solid var(--mark-border); background: var(--mark); border-radius: 6px; padding: 8px 12px; margin: 0 0 16px; }
table.list { width: 100%; border-collapse: collapse; }
table.list th { text-align: left; font-weight: 600; color: var(--muted); font-size: 13px; }
table.list th, table.list td { padding: 6px 12px; border-bottom: 1px solid var(--border); vertical-align: top; }
table.list tr:last-child td { border-bottom: 0; }
table.list td.num, table.list th.num { text-align: right; white-space: nowrap; }
table.list td.nowrap { white-space: nowrap; }
.scroll { overflow-x: auto; }
.sha { color: var(--muted); }
.pill { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; border: 1px solid var(--border); color: var(--muted); white-space: nowrap; }
.state-complete, .state-success { color: var(--ok); border-color: var(--ok); }
.state-failed { color: var(--bad); border-color: var(--bad); }
.state-active, .state-pending { color: var(--active); border-color: var(--active); }
.state-superseded, .state-skipped, .state-aborted { color: var(--idle); }
.pager { display: flex; gap: 16px; margin: 12px 0; }
.clone input { font-family: var(--mono); font-size: 13px; width: 100%; padding: 4px 6px; border: 1px solid var(--border); border-radius: 4px; background: var(--bg); color: var(--fg); }
/* Code, blame and diff views: one row per line, numbers as anchors. */
table.code { border-collapse: collapse; width: 100%; font-family: var(--mono); font-size: 13px; line-height: 20px; tab-size: 8; }
table.code td { padding: 0 10px; vertical-align: top; }
table.code td.ln { width: 1%; text-align: right; user-select: none; white-space: nowrap; }
table.code td.ln a { color: var(--muted); }
table.code td.src { white-space: pre; }
table.code tr:target, table.code tr.hl { background: var(--mark); }
table.code tr:target td.ln, table.code tr.hl td.ln { box-shadow: inset 3px 0 0 var(--mark-border); }
table.code tr.add { background: var(--add-bg); }
table.code tr.del { background: var(--del-bg); }
table.code tr.hunk td { color: var(--muted); background: var(--subtle); }
/* Blame: commit cell on the first line of each group, the ladder, the trail of steps climbed. */
table.blame td.bc { width: 1%; white-space: nowrap; font-size: 12px; color: var(--muted); }
table.blame td.bc .sha { color: var(--link); }
table.blame tr.g td { border-top: 1px solid var(--border); }
table.blame tr:first-child td { border-top: 0; }
table.blame td.up { width: 1%; padding: 0 2px; text-align: center; }
table.blame td.up a { color: var(--muted); }
nav.trail { margin: 0 0 12px; overflow-wrap: anywhere; }
.wrap table.code td.src { white-space: pre-wrap; overflow-wrap: anywhere; }
.hl-kwd { color: var(--kwd); } .hl-str { color: var(--str); } .hl-cmnt { color: var(--cmnt); font-style: italic; }
.hl-num, .hl-bool { color: var(--num); } .hl-func { color: var(--func); } .hl-type, .hl-class { color: var(--type); }
.hl-var, .hl-section { color: var(--var); } .hl-esc, .hl-regex { color: var(--str); font-weight: 600; } .hl-err, .hl-deleted { color: var(--bad); } .hl-insert { color: var(--ok); }
/* Logs, commits and refs. */
.refs .pill { margin-left: 4px; }
.pill.ref-branch { color: var(--active); border-color: var(--active); }
.pill.ref-tag { color: var(--warn); border-color: var(--warn); }
.pill.ref-head { font-weight: 600; }
table.list td.subject { overflow-wrap: anywhere; }
.trail { margin: 0; padding: 8px 12px; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
h1.subject { margin-bottom: 8px; }
pre.message { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 12px; font-size: 13px; }
.people > div { margin: 2px 0; }
.plus { color: var(--add-fg); } .minus { color: var(--del-fg); }
table.diffstat td.bar { letter-spacing: -1px; }
/* Diff rows: old and new line numbers, then the line; its +/− is drawn here so it is not copied with the code. */
table.diff td:nth-child(-n+2) { width: 1%; text-align: right; user-select: none; white-space: nowrap; color: var(--muted); }
table.diff td:nth-child(3) { white-space: pre; }
table.diff td:nth-child(3)::before { content: " "; color: var(--muted); padding-right: 6px; }
table.diff tr.add td:nth-child(3)::before { content: "+"; }
table.diff tr.del td:nth-child(3)::before { content: "-"; }
table.diff tr.hunk td:nth-child(3)::before, table.diff tr.note td:nth-child(3)::before { content: none; }
table.diff tr.note td { color: var(--muted); }
.wrap table.diff td:nth-child(3) { white-space: pre-wrap; overflow-wrap: anywhere; }
.box.diff { scroll-margin-top: 8px; }
details.box > summary { cursor: pointer; list-style-position: inside; }
ul.ref-names { columns: 16em; margin: 0; padding: 8px 12px 8px 28px; }
details.box:not([open]) > summary.head { border-bottom: 0; }
p.links { margin: 8px 0 16px; }
/* Rendered Markdown. */
.markdown { overflow-wrap: anywhere; }
.markdown img { max-width: 100%; }
.markdown pre { background: var(--subtle); padding: 12px; border-radius: 6px; overflow-x: auto; }
.markdown code { background: var(--subtle); padding: 1px 4px; border-radius: 4px; }
.markdown pre code { background: none; padding: 0; }
.markdown table { border-collapse: collapse; display: block; overflow-x: auto; }
.markdown th, .markdown td { border: 1px solid var(--border); padding: 4px 10px; }
.markdown blockquote { margin: 0; padding: 0 12px; color: var(--muted); border-left: 3px solid var(--border); }
/* CI runs: lists, the run page, its job graph and logs. */
form.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 0 0 12px; font-size: 13px; }
form.filters input, form.filters select, form.filters button { font: inherit; padding: 2px 6px; border: 1px solid var(--border); border-radius: 4px; background: var(--bg); color: var(--fg); }
.live-note { font-size: 13px; }
.live-note.live-on { border: 1px solid var(--border); background: var(--subtle); border-radius: 6px; padding: 6px 12px; margin: 0 0 16px; color: var(--muted); }
.live-note.live-off { border: 1px solid var(--mark-border); background: var(--mark); border-radius: 6px; padding: 6px 12px; margin: 0 0 16px; }
.live-note.live-done { color: var(--muted); margin: 0 0 16px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 16px; font-size: 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.run-error code, pre.error-text { color: var(--bad); }
pre.error-text { white-space: pre-wrap; margin: 8px 0 0; }
.graph-box { padding: 8px; }
svg.graph { display: block; font-family: system-ui, sans-serif; }
svg.graph .g-edge { fill: none; stroke: var(--border); stroke-width: 1.5; }
svg.graph rect { fill: var(--bg); stroke: var(--idle); stroke-width: 1.5; }
svg.graph text { fill: var(--fg); font-size: 13px; }
svg.graph .g-name { font-weight: 600; }
svg.graph .g-info { fill: var(--muted); font-size: 11px; }
svg.graph .g-source rect { fill: var(--subtle); }
svg.graph a:hover rect { stroke-width: 2.5; }
svg.graph .s-complete rect { stroke: var(--ok); fill: var(--add-bg); }
svg.graph .s-failed rect { stroke: var(--bad); fill: var(--del-bg); }
svg.graph .s-failed.allowed rect { stroke: var(--warn); fill: var(--bg); stroke-dasharray: 6 3; }
svg.graph .s-active rect { stroke: var(--active); stroke-width: 2.5; }
svg.graph .s-pending rect { stroke-dasharray: 3 3; }
svg.graph .s-skipped rect, svg.graph .s-aborted rect { stroke-dasharray: 2 4; fill: var(--subtle); }
@media (prefers-reduced-motion: no-preference) { svg.graph .s-active rect { animation: pulse 1.6s ease-in-out infinite; } }
@keyframes pulse { 50% { stroke-opacity: .35; } }
.state-aborted { color: var(--idle); }
section.job > .head .job-name { font-weight: 600; }
section.job > .head .job-error { color: var(--bad); overflow-wrap: anywhere; }
section.job > .body { padding: 0; }
.sh { border-top: 1px solid var(--border); }
.sh:first-child { border-top: 0; }
.sh-head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; padding: 6px 12px; background: var(--subtle); }
.sh-head .cmd { white-space: pre-wrap; overflow-wrap: anywhere; }
.sh-head .actions { margin-left: auto; display: flex; gap: 12px; }
.log-hidden { margin: 0; padding: 4px 12px; }
table.log { margin: 0; }
table.log td.src { white-space: pre-wrap; overflow-wrap: anywhere; }
table.log tr.err td.src { color: var(--warn); }
table.log tr.note td.src { color: var(--muted); font-style: italic; }
table.log:not(:has(tr)) { display: none; }
.job-output table.log { border-bottom: 1px solid var(--border); }
table.log.output td.src::before { content: "» "; color: var(--muted); }
@media (max-width: 640px) {
  body { font-size: 14px; }
  header.site .who { margin-left: 0; }
  table.list th, table.list td { padding: 6px 8px; }
  table.list .wide { display: none; }
  .box > .body { padding: 10px; }
  table.blame .who, table.blame .when { display: none; }
  /* Commit and ref lists: the subject on its own line, sha and date below it. */
  table.commits tr, table.refs tr { display: flex; flex-wrap: wrap; gap: 0 10px; padding: 6px 8px; border-bottom: 1px solid var(--border); }
  table.commits td, table.refs td { display: block; padding: 0; border: 0; }
  table.commits td.subject, table.refs td.subject { order: -1; flex-basis: 100%; }
  table.diffstat td.bar { display: none; }
}
`;
