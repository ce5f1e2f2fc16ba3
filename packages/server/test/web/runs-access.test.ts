// Who may read CI pages, logs and streams: a repository without :public-runs
// shows its runs to signed-in readers only (403 to anonymous), one with it to
// anyone, and a private repository's runs are a 404 to anonymous readers on
// every path, pages, raw logs and streams alike; `/runs` and `/runs/live`
// apply the rule per repository.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SseReader, startForge, type Forge } from "./runs-harness.js";

let forge: Forge;
const ids: Record<string, string> = {};

const PIPELINE = `(local ci (require :quire.ci))
(ci.job :hello [:quire/push] (fn [{: sh : log}] (log "said hello") (sh "echo hello")))
`;

beforeAll(async () => {
  forge = await startForge();
  for (const [name, config] of [
    ["app", undefined],
    ["open", "{:public-runs true}"],
    ["secret", "{:private true :public-runs true}"],
  ] as const) {
    const work = await forge.repo(name, config);
    ids[name] = (await forge.push(work, { ".quire/ci.fnl": PIPELINE })).id;
    await forge.runs.settle(ids[name]!);
  }
}, 90_000);
afterAll(async () => {
  await forge?.close();
});

function paths(repo: string): string[] {
  const id = ids[repo]!;
  return [
    `/${repo}/runs`,
    `/${repo}/runs?state=complete`,
    `/${repo}/runs/${id}`,
    `/${repo}/runs/${id}/jobs/hello/sh/1`,
    `/${repo}/runs/${id}/jobs/hello/sh/1.log`,
    `/${repo}/runs/${id}/jobs/hello/log`,
    `/${repo}/runs/${id}/jobs/hello/log.log`,
    `/${repo}/runs/${id}/live`,
    `/${repo}/runs/live`,
  ];
}

/** The status of a page, or of a stream (opened, its status read, closed). */
async function status(p: string, user?: string): Promise<{ status: number; text: string }> {
  if (!/\/live(\?|$)/.test(p)) return forge.get(p, user);
  const r = await SseReader.open(forge.base, p, user === undefined ? {} : { "Remote-User": user });
  r.close();
  return { status: r.status, text: "" };
}

describe("access to CI pages", () => {
  it("a repository without :public-runs: 403 to anonymous readers on every CI path, 200 with an identity", async () => {
    for (const p of paths("app")) {
      const anon = await forge.get(p);
      expect(anon.status, p).toBe(403);
      expect(anon.text, p).not.toContain("hello");
      expect((await status(p, "reader")).status, p).toBe(200);
    }
    // The repository itself stays public.
    expect((await forge.get("/app")).status).toBe(200);
  });

  it("a repository with :public-runs: readable by anyone", async () => {
    for (const p of paths("open")) expect((await status(p)).status, p).toBe(200);
    expect((await forge.get(`/open/runs/${ids.open}/jobs/hello/sh/1.log`)).text).toBe("hello\n");
  });

  it("a private repository: a 404 to anonymous readers as if it did not exist, :public-runs or not", async () => {
    for (const p of paths("secret")) {
      const anon = await forge.get(p);
      expect(anon.status, p).toBe(404);
      const missing = await forge.get(p.replace("/secret/", "/nothing-here/"));
      expect(anon.text.replace(/secret/g, "nothing-here")).toBe(missing.text);
      expect((await status(p, "reader")).status, p).toBe(200);
    }
  });

  it("/runs lists to anonymous readers only the runs of repositories whose runs they may read", async () => {
    const anon = await forge.get("/runs");
    expect(anon.status).toBe(200);
    expect(anon.text).toContain(`run-${ids.open}`);
    expect(anon.text).not.toContain(`run-${ids.app}`);
    expect(anon.text).not.toContain(`run-${ids.secret}`);
    expect(anon.text).not.toContain("secret");
    const signed = await forge.get("/runs", "reader");
    for (const id of Object.values(ids)) expect(signed.text).toContain(`run-${id}`);
  });

  it("/runs/live sends anonymous readers rows only of the repositories they may read", async () => {
    const anon = await SseReader.open(forge.base, "/runs/live?since=0");
    const signed = await SseReader.open(forge.base, "/runs/live?since=0", { "Remote-User": "reader" });
    try {
      expect(anon.status).toBe(200);
      await signed.until((es) => es.filter((e) => e.event === "row").length >= 3);
      await anon.until((es) => es.some((e) => e.event === "row"));
      // Give the anonymous stream every chance to send what it must not.
      await new Promise((r) => setTimeout(r, 500));
      const rowIds = (r: SseReader) => r.events.filter((e) => e.event === "row").map((e) => (e.data as { id: string }).id);
      expect(new Set(rowIds(anon))).toEqual(new Set([ids.open]));
      expect(new Set(rowIds(signed))).toEqual(new Set(Object.values(ids)));
    } finally {
      anon.close();
      signed.close();
    }
  });
});
