// The CI pages in every state a run and its jobs can be in, from real pushes
// run by the real quire-ci: a failed run with an allowed failure, a skipped
// job, `(log …)` output and ANSI colours; a complete run; an invalid
// pipeline; pending, active, superseded (with its link) and aborted; a job
// past its :timeout; a 100,000-line log; the run list with its filters.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quire } from "../git/git-helpers.js";
import { startForge, srcText, type Forge } from "./runs-harness.js";

const USER = "reader";
const SECRET = "s3cret-deploy-value-9d2";
let forge: Forge;
let app: string;

const ci = (body: string) => `(local ci (require :quire.ci))\n${body}\n`;

const GRAPH = ci(`(ci.job :lint [:quire/push]
  (fn [{: sh : log}]
    (log "linting <everything>")
    (sh "printf '\\\\033[31mred\\\\033[0m plain\\\\n'; echo to-stderr >&2; exit 3"))
  {:allow-failure true})
(ci.job :test [:quire/push] (fn [{: sh}] (sh "echo testing; exit 1")))
(ci.job :pkg [:lint :test] (fn [{: sh}] (sh "echo never")))`);

async function page(id: string): Promise<string> {
  const r = await forge.get(`/app/runs/${id}`, USER);
  expect(r.status, r.text.slice(0, 500)).toBe(200);
  return r.text;
}

async function waitJob(id: string, job: string, state: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (forge.runs.jobs(id).find((j) => j.jobId === job)?.state !== state) {
    if (Date.now() > deadline) throw new Error(`job ${job} of ${id} never became ${state}: ${JSON.stringify(forge.runs.jobs(id))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  // Local launcher: a job below waits for a file the test writes on the host, which a sandbox would not see.
  forge = await startForge(`:max-concurrent-runs 1 :launcher "local" :secrets {:deploy "${SECRET}"}`);
  app = await forge.repo("app");
}, 60_000);
afterAll(async () => {
  await forge?.close();
});

describe("run pages", () => {
  it("a failed run: allowed failure marked, skipped job, (log …) output, ANSI colours, anchored lines; ci show agrees", async () => {
    const { id, url } = await forge.push(app, { ".quire/ci.fnl": GRAPH });
    // The URL the push prints opens this run's page.
    expect(url).toBe(`${forge.base}/app/runs/${id}`);
    const { run } = await forge.runs.settle(id);
    expect(run.state).toBe("failed");
    const html = await page(id);
    expect(html).toContain('<span class="pill state-failed">failed · pipeline-failure</span>');
    expect(html).toMatch(/class="g-node s-failed allowed" data-job="lint"/);
    expect(html).toMatch(/class="g-node s-failed" data-job="test"/);
    expect(html).toMatch(/class="g-node s-skipped" data-job="pkg"/);
    expect(html).toContain('<span class="pill state-failed">failed · allowed</span>');
    expect(html).toContain("skipped: input &quot;test&quot; failed");
    // (log …) output, escaped, with its own anchors.
    expect(html).toMatch(/<tr id="out-lint-L1"><td class="ln"><a href="#out-lint-L1">1<\/a><\/td><td class="src">linting &lt;everything&gt;<\/td><\/tr>/);
    // ANSI red as a class; stderr marked; every line anchored.
    expect(html).toContain('<td class="src"><span class="a-f1">red</span> plain</td>');
    expect(html).toMatch(/<tr id="log-lint-1-L2" class="err"><td class="ln"><a href="#log-lint-1-L2">2<\/a><\/td><td class="src">to-stderr<\/td>/);
    expect(html).toContain('<span class="pill state-failed">exit 3</span>');
    expect(html).toContain(`href="/app/runs/${id}/jobs/lint/sh/1.log"`);
    // Over: no live stream, no note to reload.
    expect(html).not.toContain("data-live=");
    expect(html).not.toContain('id="live-note"');
    expect(html).toContain('<link rel="stylesheet" href="/-/ansi.css?v=');

    const show = quire(forge.data, ["ci", "show", id]);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/job lint {2}failed \(allowed\)/);
    expect(show.stdout).toContain("  log  linting <everything>");
    expect(show.stdout).toMatch(/job pkg {2}skipped/);
    expect(show.stdout).toContain(`url       ${forge.base}/app/runs/${id}`);
    const json = JSON.parse(quire(forge.data, ["ci", "show", id, "--json"]).stdout) as {
      run: { invalid_pipeline: boolean; url: string };
      jobs: { job_id: string; allow_failure: boolean; inputs: string[]; output: string[]; state: string }[];
    };
    expect(json.run).toMatchObject({ invalid_pipeline: false, url: `${forge.base}/app/runs/${id}` });
    expect(json.jobs.map((j) => [j.job_id, j.state, j.allow_failure, j.inputs])).toEqual([
      ["lint", "failed", true, ["quire/push"]],
      ["test", "failed", false, ["quire/push"]],
      ["pkg", "skipped", false, ["lint", "test"]],
    ]);
    expect(json.jobs[0]!.output).toEqual(["linting <everything>"]);
  });

  it("a complete run: the graph turns green", async () => {
    const { id } = await forge.push(app, { ".quire/ci.fnl": ci(`(ci.job :hello [:quire/push] (fn [{: sh}] (sh "echo hello")))`) }, { ref: "ok" });
    expect((await forge.runs.settle(id)).run.state).toBe("complete");
    const html = await page(id);
    expect(html).toContain('<span class="pill state-complete">complete</span>');
    expect(html).toMatch(/class="g-node s-complete" data-job="hello"/);
    expect(html).toContain('<a href="/app/tree/ok">ok</a>');
  });

  it("a pipeline that never validated says so, on the page and in ci show", async () => {
    const { id } = await forge.push(app, { ".quire/ci.fnl": ci(`(ci.job :x [:nope] (fn [] nil))`) }, { ref: "broken" });
    const { run } = await forge.runs.settle(id);
    expect(run).toMatchObject({ state: "failed", failureKind: "pipeline-failure" });
    const html = await page(id);
    expect(html).toContain("<strong>Invalid pipeline:</strong>");
    expect(html).toMatch(/<pre class="error-text">[^<]*ci\.fnl:\d+/);
    expect(html).toContain("No job graph: the pipeline never validated.");
    const show = quire(forge.data, ["ci", "show", id]);
    expect(show.stdout).toContain("(invalid pipeline)");
    expect(show.stdout).toMatch(/^invalid pipeline: .*ci\.fnl:\d+/m);
    expect(show.stdout).not.toContain("no jobs recorded yet");
  });

  it("active, pending, superseded with its link, and the aborted job", async () => {
    const gate = path.join(forge.data, "gate-open");
    const blocking = ci(`(ci.job :wait [:quire/push] (fn [{: sh}] (sh "echo waiting; while [ ! -f '${gate}' ]; do sleep 0.05; done")))
(ci.job :after [:wait] (fn [{: sh}] (sh "echo after")))`);
    const a = await forge.push(app, { ".quire/ci.fnl": blocking }, { ref: "slow" });
    await waitJob(a.id, "wait", "active");
    let html = await page(a.id);
    expect(html).toContain('<span class="pill state-active">active</span>');
    expect(html).toContain(`data-live="/app/runs/${a.id}/live"`);
    expect(html).toMatch(/id="live-note">This run is in progress\. This page shows it as of/);
    expect(html).toMatch(/class="g-node s-active" data-job="wait"/);
    expect(html).toMatch(/class="g-node s-pending" data-job="after"/);
    expect(html).toContain('<span class="pill state-active">running</span>');
    // The run list shows how long it has run so far, a duration the script keeps growing.
    const list = await forge.get("/app/runs?ref=slow", USER);
    expect(list.text).toMatch(new RegExp(`<tr id="run-${a.id}" data-state="active"[\\s\\S]*<td class="num"><span class="running" data-since="\\d+">[\\d.]+(ms|s)…</span></td>`));

    // One run at a time: a push to another ref waits.
    const b = await forge.push(app, { "b.txt": "b" }, { ref: "queued" });
    expect(forge.runs.get(b.id).state).toBe("pending");
    html = await page(b.id);
    expect(html).toContain('<span class="pill state-pending">pending</span>');
    expect(html).toContain("This run is queued.");
    expect(html).toContain("The run is queued; its job graph appears once quire-ci has loaded the pipeline.");

    // A newer push to the same ref supersedes the active run; its job is aborted, the next one skipped.
    const c = await forge.push(app, { ".quire/ci.fnl": ci(`(ci.job :wait [:quire/push] (fn [{: sh}] (sh "echo quick")))`) }, { ref: "slow" });
    const superseded = await forge.runs.settle(a.id);
    expect(superseded.run).toMatchObject({ state: "superseded", supersededBy: c.id });
    await forge.runs.until(a.id, (r) => r.pid === null);
    html = await page(a.id);
    expect(html).toContain(`Superseded by <a href="/app/runs/${c.id}">run ${c.id}</a>`);
    expect(html).toContain('<span class="pill state-superseded">superseded</span>');
    expect(html).toMatch(/class="g-node s-aborted" data-job="wait"/);
    expect(html).toMatch(/class="g-node s-skipped" data-job="after"/);
    expect(html).toContain('<span class="pill state-aborted">aborted</span>');
    expect(html).toContain("waiting");
    await writeFile(gate, "");
    expect((await forge.runs.settle(b.id)).run.state).toBe("complete");
    expect((await forge.runs.settle(c.id)).run.state).toBe("complete");
  });

  it("a cancelled run says cancelled, and its sh is aborted, not running", async () => {
    const { id } = await forge.push(app, { ".quire/ci.fnl": ci(`(ci.job :hold [:quire/push] (fn [{: sh}] (sh "sleep 20")))`) }, { ref: "cancel-me" });
    await forge.runs.until(id, (r) => r.state === "active" && forge.runs.sh(id).length > 0);
    expect(quire(forge.data, ["ci", "cancel", id]).status).toBe(0);
    expect((await forge.runs.settle(id)).run).toMatchObject({ state: "failed", failureKind: "cancelled" });
    const html = await page(id);
    expect(html).toContain('<span class="pill state-failed">cancelled</span>');
    expect(html).not.toContain("failed · cancelled");
    expect(html).toContain("aborted");
    expect(html).not.toMatch(/>running</);
  });

  it("a job past its :timeout: failed, timed out", async () => {
    const { id } = await forge.push(app, { ".quire/ci.fnl": ci(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh "sleep 20")) {:timeout 0.5})`) }, { ref: "timeout" });
    expect((await forge.runs.settle(id)).run).toMatchObject({ state: "failed", failureKind: "timed-out" });
    const html = await page(id);
    expect(html).toContain('<span class="pill state-failed">failed · timed-out</span>');
    expect(html).toMatch(/failed · [^<]*timed out/);
  });

  it("a secret is redacted in the sh's command and log, on the run page, the whole log and the raw log", async () => {
    const { id } = await forge.push(app, { ".quire/ci.fnl": ci(`(ci.job :deploy [:quire/push] (fn [{: sh : secret}] (sh ["echo" "token:" (secret :deploy)])))`) }, { ref: "secret" });
    expect((await forge.runs.settle(id)).run.state).toBe("complete");
    const pages = [await page(id), (await forge.get(`/app/runs/${id}/jobs/deploy/sh/1`, USER)).text, (await forge.get(`/app/runs/${id}/jobs/deploy/sh/1.log`, USER)).text];
    for (const text of pages) expect(text).not.toContain(SECRET);
    expect(pages[0]).toMatch(/<code class="cmd"><span class="muted">\$<\/span> echo token: [^<]*\{\{ deploy \}\}[^<]*<\/code>/);
    expect(pages[0]).toMatch(/<td class="src">token: \{\{ deploy \}\}<\/td>/);
    expect(pages[2]).toBe("token: {{ deploy }}\n");
  });

  it("a 100,000-line log: the page shows its tail, links to the rest and to the raw log", async () => {
    const { id } = await forge.push(app, { ".quire/ci.fnl": ci(`(ci.job :big [:quire/push] (fn [{: sh}] (sh "seq 1 100000")))`) }, { ref: "big" });
    expect((await forge.runs.settle(id, 60_000)).run.state).toBe("complete");
    const started = performance.now();
    const html = await page(id);
    const took = performance.now() - started;
    expect(html).toContain("99,000 earlier lines are not shown here");
    expect(html).toContain(`<a href="/app/runs/${id}/jobs/big/sh/1">read the whole log</a>`);
    expect(html).toContain('<tr id="log-big-1-L100000"><td class="ln"><a href="#log-big-1-L100000">100000</a></td><td class="src">100000</td></tr>');
    expect(html).toContain('id="log-big-1-L99001"');
    expect(html).not.toContain('id="log-big-1-L99000"');
    expect(html.length).toBeLessThan(400_000);

    const first = await forge.get(`/app/runs/${id}/jobs/big/sh/1`, USER);
    expect(first.status).toBe(200);
    expect(first.text).toContain("Lines 1–5,000 of 100,000");
    expect(first.text).toContain('<tr id="L5000">');
    expect(first.text).not.toContain('<tr id="L5001">');
    expect(first.text).toContain(`href="/app/runs/${id}/jobs/big/sh/1?from=5001">later →</a>`);
    const last = await forge.get(`/app/runs/${id}/jobs/big/sh/1?from=99001`, USER);
    expect(last.text).toContain("Lines 99,001–100,000 of 100,000");
    expect(last.text).toContain(`href="/app/runs/${id}/jobs/big/sh/1?from=94001">← earlier</a>`);
    expect((await forge.get(`/app/runs/${id}/jobs/big/sh/1?from=zero`, USER)).status).toBe(400);

    const raw = await forge.get(`/app/runs/${id}/jobs/big/sh/1.log`, USER);
    expect(raw.status).toBe(200);
    expect(raw.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(raw.headers["content-security-policy"]).toContain("sandbox");
    const lines = raw.text.split("\n");
    expect(lines.length).toBe(100_001);
    expect([lines[0], lines[99_999], lines[100_000]]).toEqual(["1", "100000", ""]);
    process.stdout.write(`run page with a 100,000-line log: ${Math.round(took)} ms, ${html.length} bytes\n`);
  }, 90_000);

  it("logs of a job or sh that does not exist are a 404 that links to the run", async () => {
    const id = forge.runs.db.sqlite.prepare("SELECT id FROM runs WHERE ref = 'refs/heads/ok'").get() as { id: string };
    for (const p of [`/app/runs/${id.id}/jobs/nope/sh/1`, `/app/runs/${id.id}/jobs/hello/sh/9.log`, `/app/runs/${id.id}/jobs/hello/sh/0`, `/app/runs/${id.id}/jobs/hello/other`, `/app/runs/ffffffffffff`, `/app/runs/${id.id}/nope`]) {
      const r = await forge.get(p, USER);
      expect(r.status, p).toBe(404);
    }
    const r = await forge.get(`/app/runs/${id.id}/jobs/nope/sh/1`, USER);
    expect(r.text).toContain(`href="/app/runs/${id.id}"`);
    // The (log …) output of a job that logged nothing is an empty log, not an error.
    expect((await forge.get(`/app/runs/${id.id}/jobs/hello/log.log`, USER)).text).toBe("");
  });
});

describe("the run list", () => {
  it("lists runs newest first with state, ref, commit, failure kind; filters by ref and state; pages on", async () => {
    const r = await forge.get("/app/runs", USER);
    expect(r.status).toBe(200);
    const ids = [...r.text.matchAll(/<tr id="run-([0-9a-f]+)"/g)].map((m) => m[1]!);
    const all = forge.runs.db.sqlite.prepare("SELECT id FROM runs ORDER BY queued_at_ms DESC, rowid DESC").all() as { id: string }[];
    expect(ids).toEqual(all.map((x) => x.id));
    expect(r.text).toContain('data-live="/app/runs/live"');
    expect(r.text).toContain("<td>pipeline-failure</td>");

    const failed = await forge.get("/app/runs?state=failed", USER);
    const states = [...failed.text.matchAll(/<tr id="run-[0-9a-f]+" data-state="(\w+)"/g)].map((m) => m[1]);
    expect(states.length).toBeGreaterThanOrEqual(3);
    expect(new Set(states)).toEqual(new Set(["failed"]));
    const big = await forge.get("/app/runs?ref=big", USER);
    expect([...big.text.matchAll(/<tr id="run-/g)]).toHaveLength(1);
    expect((await forge.get("/app/runs?ref=refs/heads/big", USER)).text).toContain('<td class="mono">big</td>');

    const after = await forge.get(`/app/runs?after=${ids[1]}`, USER);
    expect([...after.text.matchAll(/<tr id="run-([0-9a-f]+)"/g)].map((m) => m[1])).toEqual(ids.slice(2));

    for (const [q, why] of [
      ["state=bogus", /takes one of pending, active, complete, failed, superseded/],
      ["ref=a%20b", /\?ref= takes a branch/],
      ["after=ffffffffffff", /names no run/],
    ] as const) {
      const bad = await forge.get(`/app/runs?${q}`, USER);
      expect(bad.status, q).toBe(400);
      expect(bad.text).toMatch(why);
    }
  });

  it("each row shows the pusher, the commit's subject, queued, started and finished times and the duration", async () => {
    await forge.push(app, { ".quire/ci.fnl": ci(`(ci.job :row [:quire/push] (fn [{: sh}] (sh "true")))`) }, { ref: "row", message: "Subject of the row\n\nnot the body", pusher: "carol <c>" });
    const newest = forge.runs.db.sqlite.prepare("SELECT id FROM runs ORDER BY queued_at_ms DESC, rowid DESC LIMIT 1").get() as { id: string };
    const { run } = await forge.runs.settle(newest.id);
    expect(run.state).toBe("complete");
    const r = await forge.get("/app/runs?ref=row", USER);
    const row = /<tr id="run-[0-9a-f]+"[\s\S]*?<\/tr>/.exec(r.text)![0];
    const utc = (ms: number | null) => `${new Date(ms!).toISOString().slice(0, 16).replace("T", " ")} UTC`;
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ""));
    expect(cells).toEqual([
      run.state,
      run.id,
      "row",
      expect.stringMatching(new RegExp(`^${run.sha.slice(0, 10)} Subject of the row$`)),
      "carol &lt;c&gt;",
      utc(run.queuedAtMs),
      utc(run.startedAtMs),
      utc(run.finishedAtMs),
      expect.stringMatching(/^\d+(ms|\.\ds|m \d\ds)$/),
      "",
    ]);
  });

  it("the repository list shows each repository's description, default branch, last push and last run's state", async () => {
    await writeFile(path.join(forge.data, "repos", "app.git", "description"), "The <app> of the tests\n");
    const last = forge.runs.db.sqlite.prepare("SELECT id FROM runs WHERE repo = 'app.git' ORDER BY queued_at_ms DESC, rowid DESC LIMIT 1").get() as { id: string };
    const { run } = await forge.runs.settle(last.id);
    const pushed = (forge.runs.db.sqlite.prepare("SELECT max(pushed_at_ms) AS at FROM ref_updates WHERE repo = 'app.git'").get() as { at: number }).at;
    const r = await forge.get("/");
    const row = /<tr>\s*<td>\s*<a href="\/app">app<\/a>[\s\S]*?<\/tr>/.exec(r.text)?.[0];
    if (row === undefined) throw new Error(`no row for app in:\n${r.text}`);
    expect(row).toContain('<td class="wide muted">The &lt;app&gt; of the tests</td>');
    expect(row).toContain('<td class="mono">main</td>');
    expect(row).toContain(`<time datetime="${new Date(pushed).toISOString()}">`);
    expect(row).toContain(`<span class="pill state-${run.state}">${run.failureKind ?? run.state}</span>`);
  });

  it("/runs lists every repository's runs with their repository", async () => {
    const r = await forge.get("/runs", USER);
    expect(r.status).toBe(200);
    expect(r.text).toContain('<a href="/app/runs">app</a>');
    expect(r.text).toContain('data-live="/runs/live"');
  });

  it("a repository may not be named runs: /runs is this page", () => {
    const r = quire(forge.data, ["repo", "new", "runs"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("reserved");
    expect(existsSync(path.join(forge.data, "repos", "runs.git"))).toBe(false);
  });
});

describe("the raw log", () => {
  it("is the output as written: ANSI escapes kept, stdout and stderr in order", async () => {
    const id = (forge.runs.db.sqlite.prepare("SELECT id FROM runs WHERE ref = 'refs/heads/main'").get() as { id: string }).id;
    const raw = await forge.get(`/app/runs/${id}/jobs/lint/sh/1.log`, USER);
    expect(raw.text).toBe("\x1b[31mred\x1b[0m plain\nto-stderr\n");
    expect(raw.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(raw.headers["x-content-type-options"]).toBe("nosniff");
    expect(raw.headers["content-security-policy"]).toMatch(/^sandbox; default-src 'none'/);
    expect(srcText('<tr><td class="src">a &amp; b</td></tr>')).toBe("a & b");
  });
});
