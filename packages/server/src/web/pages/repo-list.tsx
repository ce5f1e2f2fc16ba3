// `/`: every repository the reader may see (private ones only with an
// identity), with its description, default branch, last push and last CI state.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { stmt } from "../../db/statements.js";
import { lastPushTimes } from "../../push/history.js";
import type { WebContext, WebDeps } from "../context.js";
import type { RepoReader } from "../git/reader.js";
import { Frame } from "../layout/frame.js";
import { StatePill, Time } from "../layout/components.js";
import { html } from "../respond.js";
import { links } from "../url.js";

/** git's placeholder text in a new repository's `description` file means "none". */
const PLACEHOLDER = /^Unnamed repository;/;

export async function repoDescription(reader: RepoReader): Promise<string> {
  try {
    const text = (await readFile(path.join(reader.dir, "description"), "utf8")).trim();
    return PLACEHOLDER.test(text) ? "" : text;
  } catch {
    return "";
  }
}

interface Row {
  reader: RepoReader;
  description: string;
  head: string;
  lastPushMs: number | null;
  run: { state: string; failureKind: string | null; id: string } | undefined;
}

export async function repoListPage(c: WebContext, web: WebDeps): Promise<Response> {
  const identity = c.get("identity");
  const pushes = lastPushTimes(web.db);
  const lastRun = stmt(web.db.sqlite, "SELECT id, state, failure_kind AS failureKind FROM runs WHERE repo = ? ORDER BY queued_at_ms DESC, rowid DESC LIMIT 1");
  const rows: Row[] = [];
  for (const reader of await web.git.all()) {
    if (!(await web.access.canRead(reader, identity))) continue;
    const [refs, description] = await Promise.all([reader.refs(), repoDescription(reader)]);
    const newest = refs.refs.reduce((t, r) => Math.max(t, r.time), 0);
    rows.push({
      reader,
      description,
      head: refs.head.replace(/^refs\/heads\//, ""),
      lastPushMs: pushes.get(reader.name) ?? (newest > 0 ? newest * 1000 : null),
      run: lastRun.get(reader.name) as Row["run"],
    });
  }
  const page = (
    <Frame title="Repositories" identity={identity}>
      <h1>Repositories</h1>
      {rows.length === 0 ? (
        <p class="muted">
          No repositories yet. Create one with <code>quire repo new NAME</code>.
        </p>
      ) : (
        <div class="box scroll">
          <table class="list">
            <thead>
              <tr>
                <th>Name</th>
                <th class="wide">Description</th>
                <th>Branch</th>
                <th>Last push</th>
                <th>CI</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={links.repo(r.reader.slug)}>{r.reader.slug}</a>
                  </td>
                  <td class="wide muted">{r.description}</td>
                  <td class="mono">{r.head}</td>
                  <td class="nowrap">
                    <Time ms={r.lastPushMs} />
                  </td>
                  <td>{r.run === undefined ? <span class="muted">—</span> : <StatePill state={r.run.state} label={r.run.failureKind ?? r.run.state} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Frame>
  );
  return html(c, page, { policy: "none" });
}
