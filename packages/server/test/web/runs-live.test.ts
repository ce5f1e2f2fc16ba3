// The live streams against real runs: a reader picks up from the page's
// cursor, a reconnect with Last-Event-ID resumes with nothing lost and
// nothing twice, a reader without a cursor gets everything, bad cursors are
// refused, and the run list streams state changes as they happen.
import { describe, expect, it } from "vitest";
import { linesOf, SseReader, srcText, useForge, type SseEvent } from "./runs-harness.js";

const USER = { "Remote-User": "reader" };
const ctx = useForge();

const TICKS = (n: number, gapS: number) => `(local ci (require :quire.ci))
(ci.job :tick [:quire/push] (fn [{: sh}] (sh "for i in $(seq 1 ${n}); do echo \\"line $i\\"; sleep ${gapS}; done")))
(ci.job :after [:tick] (fn [{: sh}] (sh "echo after")))
`;


function pageLines(html: string, anchor: string): [number, string][] {
  return [...html.matchAll(new RegExp(`<tr id="${anchor}-L(\\d+)"[^>]*>.*?</tr>`, "g"))].map((m) => [Number(m[1]), srcText(m[0])]);
}

const states = (events: SseEvent[]) => events.filter((e) => e.event === "run").map((e) => (e.data as { state: string }).state);

describe("the run stream", () => {
  it("goes on from the page's cursor, and a reconnect with Last-Event-ID loses nothing and doubles nothing", async () => {
    const { id } = await ctx.forge.push(ctx.work, { ".quire/ci.fnl": TICKS(40, 0.1) });
    // Load the page once a few lines are out.
    const deadline = Date.now() + 30_000;
    let html = "";
    for (;;) {
      html = (await ctx.forge.get(`/app/runs/${id}`, "reader")).text;
      if (pageLines(html, "log-tick-1").length >= 3) break;
      if (Date.now() > deadline) throw new Error("the job printed nothing");
      await new Promise((r) => setTimeout(r, 50));
    }
    const cursor = /data-cursor="([^"]+)"/.exec(html)![1]!;
    const live = /data-live="([^"]+)"/.exec(html)![1]!;
    expect(live).toBe(`/app/runs/${id}/live`);
    const fromPage = pageLines(html, "log-tick-1");

    const first = await SseReader.open(ctx.forge.base, `${live}?cursor=${encodeURIComponent(cursor)}`, USER);
    expect(first.status).toBe(200);
    await first.until((es) => linesOf(es, "log-tick-1").length >= 5);
    first.close();
    const lastId = first.events.filter((e) => e.id !== undefined).at(-1)!.id!;

    // Lines keep coming while nobody listens; the reconnect asks for what came after its last id.
    await new Promise((r) => setTimeout(r, 400));
    const second = await SseReader.open(ctx.forge.base, live, { ...USER, "Last-Event-ID": lastId });
    const events = await second.end(60_000);
    const all = [...fromPage, ...linesOf(first.events, "log-tick-1"), ...linesOf(events, "log-tick-1")];
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => [i + 1, `line ${i + 1}`]));
    // The job graph follows: the run ends complete, the stream says it is over.
    expect(states(events).at(-1)).toBe("complete");
    expect(events.at(-1)!.event).toBe("end");
    expect(linesOf(events, "log-after-1")).toEqual([[1, "after"]]);
    const last = events.filter((e) => e.event === "run").at(-1)!.data as { graph: string; jobs: { id: string; state: string }[] };
    expect(last.graph).toMatch(/class="g-node s-complete" data-job="tick"/);
    expect(last.jobs.map((j) => [j.id, j.state])).toEqual([
      ["job-tick", "complete"],
      ["job-after", "complete"],
    ]);
  }, 90_000);

  it("a reader without a cursor gets the whole run, then the end", async () => {
    const id = (ctx.forge.runs.db.sqlite.prepare("SELECT id FROM runs ORDER BY rowid LIMIT 1").get() as { id: string }).id;
    const r = await SseReader.open(ctx.forge.base, `/app/runs/${id}/live`, USER);
    const events = await r.end();
    expect(events.map((e) => e.event)).toEqual(["run", "log", "log", "end"]);
    expect(linesOf(events, "log-tick-1")).toHaveLength(40);
    // Every id is a cursor that picks up exactly there: from the last one, nothing is left but the end.
    const again = await SseReader.open(ctx.forge.base, `/app/runs/${id}/live`, { ...USER, "Last-Event-ID": events.at(-1)!.id! });
    expect((await again.end()).map((e) => e.event)).toEqual(["end"]);
  });

  it("refuses cursors it did not write, and asks a reader ahead of it to reload", async () => {
    const id = (ctx.forge.runs.db.sqlite.prepare("SELECT id FROM runs ORDER BY rowid LIMIT 1").get() as { id: string }).id;
    for (const headers of [{ "Last-Event-ID": "garbage" }, { "Last-Event-ID": "v1~complete~x~" }]) {
      const r = await ctx.forge.get(`/app/runs/${id}/live`, "reader", headers);
      expect(r.status).toBe(400);
      expect(r.text).toContain("reload the run page");
    }
    expect((await ctx.forge.get(`/app/runs/${id}/live?cursor=v9`, "reader")).status).toBe(400);
    const ahead = await SseReader.open(ctx.forge.base, `/app/runs/${id}/live?cursor=${encodeURIComponent("v1~complete~9~1.1:999")}`, USER);
    expect((await ahead.end()).map((e) => e.event)).toEqual(["reload"]);
  });
});

describe("the run list stream", () => {
  it("sends each row as its run is queued, starts and ends", async () => {
    const list = await SseReader.open(ctx.forge.base, `/app/runs/live?since=${Date.now()}`, USER);
    try {
      const { id } = await ctx.forge.push(ctx.work, { ".quire/ci.fnl": TICKS(3, 0.2) }, { ref: "listed" });
      const seen = (es: SseEvent[]) => es.filter((e) => e.event === "row" && (e.data as { id: string }).id === id).map((e) => (e.data as { state: string }).state);
      await list.until((es) => seen(es).includes("complete"));
      const order = seen(list.events);
      expect(order.at(-1)).toBe("complete");
      expect(order).toContain("active");
      expect(order.indexOf("active")).toBeLessThan(order.indexOf("complete"));
      const row = list.events.find((e) => e.event === "row" && (e.data as { id: string; state: string }).id === id && (e.data as { state: string }).state === "complete")!
        .data as { html: string };
      expect(row.html).toMatch(new RegExp(`^<tr id="run-${id}" data-state="complete"`));
      expect(row.html).toContain('<td class="mono">listed</td>');
    } finally {
      list.close();
    }
  });

  it("refuses a position that is not a time", async () => {
    expect((await ctx.forge.get("/app/runs/live?since=yesterday", "reader")).status).toBe(400);
  });
});
