// `quire ci logs` against real runs: --follow streams a run's lines while it
// goes (prefixed by job and sh) and exits with its outcome; the same through
// `quire exec` as sshd runs it; one job only; JSON lines; a job the run does
// not have.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { gitEnv, quire, quireBin } from "./git/git-helpers.js";
import { useForge } from "./web/runs-harness.js";

const ctx = useForge();

const PIPELINE = `(local ci (require :quire.ci))
(ci.job :tick [:quire/push] (fn [{: sh : log}] (log "ticking") (sh "for i in 1 2 3 4 5 6; do echo \\"line $i\\"; sleep 0.3; done")))
(ci.job :lint [:quire/push] (fn [{: sh}] (sh "echo lint-out; echo lint-err >&2; exit 2")) {:allow-failure true})
(ci.job :fail [:tick] (fn [{: sh}] (sh "exit 5")))
`;

/** Run the built CLI, noting when each stdout line arrived. */
function follow(args: string[]): Promise<{ code: number | null; lines: { at: number; text: string }[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [quireBin, "--data-dir", ctx.forge.data, ...args], { env: gitEnv(), stdio: ["ignore", "pipe", "pipe"] });
    const lines: { at: number; text: string }[] = [];
    let buffer = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        lines.push({ at: Date.now(), text: buffer.slice(0, nl) });
        buffer = buffer.slice(nl + 1);
      }
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, lines, stderr }));
  });
}


describe("quire ci logs", () => {
  it("--follow streams lines while the run goes, prefixed by job and sh, and exits with the run's outcome", async () => {
    const { id } = await ctx.forge.push(ctx.work, { ".quire/ci.fnl": PIPELINE });
    const out = await follow(["ci", "logs", id, "--follow"]);
    const { run } = await ctx.forge.runs.settle(id);
    expect(run).toMatchObject({ state: "failed", failureKind: "pipeline-failure" });
    expect(out.code, out.stderr).toBe(1);
    const text = out.lines.map((l) => l.text);
    expect(text).toContain("tick/log | ticking");
    expect(text).toContain('tick/1 $ for i in 1 2 3 4 5 6; do echo "line $i"; sleep 0.3; done');
    expect(text.filter((t) => t.startsWith("tick/1 | "))).toEqual([1, 2, 3, 4, 5, 6].map((i) => `tick/1 | line ${i}`));
    expect(text).toContain("lint/1 | lint-out");
    expect(text).toContain("lint/1 | lint-err");
    expect(text).toContainEqual(expect.stringMatching(/^lint: failed \(allowed\): .*ci\.fnl:\d+:\d+: job "lint" returned exit 2/));
    expect(text).toContainEqual(expect.stringMatching(/^fail\/1 exit 5 \(\d+\.\ds\)$/));
    expect(text.at(-1)).toMatch(new RegExp(`^run ${id}: failed/pipeline-failure`));
    // Live: the first line was printed well before the run ended.
    const first = out.lines.find((l) => l.text === "tick/1 | line 1")!;
    expect(first.at).toBeLessThan(run.finishedAtMs! - 500);
  }, 60_000);

  it("works through quire exec as sshd's ForceCommand runs it; one job only; exit 0 for a complete run", async () => {
    const { id } = await ctx.forge.push(ctx.work, { ".quire/ci.fnl": `(local ci (require :quire.ci))\n(ci.job :a [:quire/push] (fn [{: sh}] (sh "echo from-a")))\n(ci.job :b [:quire/push] (fn [{: sh}] (sh "echo from-b")))\n` }, { ref: "ok" });
    const out = await follow(["exec", `quire ci logs ${id} b --follow`]);
    expect(out.code, out.stderr).toBe(0);
    const text = out.lines.map((l) => l.text);
    expect(text).toContain("b/1 | from-b");
    expect(text.some((t) => t.startsWith("a/"))).toBe(false);
    expect(text.at(-1)).toBe(`run ${id}: complete`);
    const refused = quire(ctx.forge.data, ["exec", `quire ci logs ${id} ../x`]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('"../x" is not a job id');
  }, 60_000);

  it("--json prints one object per line; an unknown job is an error naming the jobs there are", async () => {
    const id = (ctx.forge.runs.db.sqlite.prepare("SELECT id FROM runs WHERE ref = 'refs/heads/main'").get() as { id: string }).id;
    const r = quire(ctx.forge.data, ["ci", "logs", id, "lint", "--json"]);
    expect(r.status).toBe(1);
    const objects = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects[0]).toEqual({ type: "sh_started", job_id: "lint", n: 1, cmd: "echo lint-out; echo lint-err >&2; exit 2" });
    expect(objects.filter((o) => o.type === "line").map((o) => [o.stream, o.text])).toEqual([
      ["stdout", "lint-out"],
      ["stderr", "lint-err"],
    ]);
    expect(objects.find((o) => o.type === "sh_finished")).toEqual({ type: "sh_finished", job_id: "lint", n: 1, exit_code: 2 });
    expect(objects.at(-1)).toMatchObject({ type: "run", id, state: "failed", failure_kind: "pipeline-failure", invalid_pipeline: false, exit: 1 });
    const unknown = quire(ctx.forge.data, ["ci", "logs", id, "nope"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`run ${id} has no job "nope"; its jobs: tick, lint, fail`);
    expect(quire(ctx.forge.data, ["ci", "logs"]).status).toBe(2);
  });
});
