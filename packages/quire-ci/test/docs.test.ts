// docs/CI-FENNEL.md stays true: every ```fennel ci.fnl``` block is run as a
// pipeline (with the ```fennel .quire/lib/…``` blocks before it) and checked
// against the `<!-- test: … -->` line that follows it.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { PACKAGE_DIR, allFiles, runInProcess, workspaceWith } from "./helpers.js";

const DOC = path.join(PACKAGE_DIR, "..", "..", "docs", "CI-FENNEL.md");

interface Example {
  line: number;
  ci: string;
  libs: Record<string, string>;
  spec: string[];
}

function examples(markdown: string): Example[] {
  const out: Example[] = [];
  let libs: Record<string, string> = {};
  const re = /^```fennel (\S+)\n([\s\S]*?)^```\n(?:<!-- test: (.*?) -->)?/gm;
  for (const m of markdown.matchAll(re)) {
    const [, file, body, spec] = m;
    if (file === "ci.fnl") {
      out.push({ line: markdown.slice(0, m.index).split("\n").length, ci: body!, libs, spec: (spec ?? "").split(" ").filter(Boolean) });
      libs = {};
    } else {
      libs[file!] = body!;
    }
  }
  return out;
}

const all = examples(fs.readFileSync(DOC, "utf8"));

test("the document has runnable examples, each with a test line", () => {
  expect(all.length).toBeGreaterThanOrEqual(6);
  for (const ex of all) expect(ex.spec.length, `example at line ${ex.line}`).toBeGreaterThan(0);
});

test.each(all.map((ex) => [ex.line, ex] as const))("example at CI-FENNEL.md:%i", async (_line, ex) => {
  const files: Record<string, string> = { ...ex.libs };
  const env: Record<string, string> = {};
  for (const item of ex.spec) {
    const [key, value = ""] = item.split(/=(.*)/s);
    if (key!.startsWith("file.")) files[key!.slice(5)] = value;
    if (key!.startsWith("env.")) env[key!.slice(4)] = value;
  }
  const run = await runInProcess(workspaceWith(ex.ci, files), { env });
  const last = run.events.at(-1)!;
  const errors = [last.type === "run_finished" ? last.error ?? "" : "", ...run.events.map((e) => ("error" in e ? e.error ?? "" : ""))].join("\n");
  for (const item of ex.spec) {
    const [key, value = ""] = item.split(/=(.*)/s);
    if (key === "outcome") expect(last, errors).toMatchObject({ type: "run_finished", outcome: value });
    else if (key === "error") expect(errors).toContain(value.replace(/_/g, " "));
    else if (key!.startsWith("job.")) {
      const id = key!.slice(4);
      const ended = run.events.find((e) => (e.type === "job_finished" || e.type === "job_skipped") && e.job_id === id);
      const state = ended?.type === "job_skipped" ? "skipped" : ended?.type === "job_finished" ? ended.outcome : "missing";
      expect(state, `job ${id}`).toBe(value);
    } else if (key === "redacted") {
      expect(JSON.stringify(run.events)).not.toContain(value);
      const logs = allFiles(run.outDir);
      expect(logs.some(([, text]) => text.includes("{{ "))).toBe(true);
      for (const [file, text] of logs) expect(text, file).not.toContain(value);
    }
  }
});
