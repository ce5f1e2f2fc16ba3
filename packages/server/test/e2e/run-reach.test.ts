// What a pipeline's commands can reach (issue item 7), end to end: a real
// `quire serve` and quire-ci. The run token is in no process's environment or
// command line; the data directory is not a relative path away from the
// workspace; QUIRE_DATA_DIR does not reach sh; secrets are revealed once per
// run and each reveal is logged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { waitFor } from "../helpers.js";
import { tempDir } from "../git/git-helpers.js";
import { newRepo, pipeline, pushRun, RunWatcher, startServe, type Serve } from "./harness.js";

const SECRET = "config-secret-8c1f22";
let data: string;
let serve: Serve;
let runs: RunWatcher;
const cleanup: string[] = [];

beforeAll(async () => {
  data = await tempDir("quire-reach-");
  cleanup.push(data);
  serve = await startServe(data, `{:secrets {:deploy "${SECRET}" :unused "never-asked-for-99"}}\n`, { QUIRE_DATA_DIR: data });
  runs = new RunWatcher(data);
});
afterAll(async () => {
  runs?.close();
  await serve?.stop();
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

/** Every process's environment and command line that mention `needle`. */
function processesMentioning(needle: string): string[] {
  const hits: string[] = [];
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    for (const what of ["environ", "cmdline"]) {
      try {
        if (readFileSync(`/proc/${pid}/${what}`, "latin1").includes(needle)) hits.push(`${pid}/${what}`);
      } catch {
        // Gone, or not ours to read.
      }
    }
  }
  return hits;
}

describe("what a pipeline can reach", () => {
  it("not the run token, not config.fnl by a relative path, not QUIRE_DATA_DIR", async () => {
    const work = await newRepo(data, "reach");
    cleanup.push(work);
    const { id } = await pushRun(work, {
      ".quire/ci.fnl": pipeline(`(ci.job :look [:quire/push]
  (fn [{: sh}]
    (sh "cat ../../../../config.fnl; cat ../../config.fnl; cat ../../../config.fnl; echo status=$?")
    (sh "env")
    (sh "sleep 2")))`),
    });
    await runs.until(id, (r) => r.state === "active" && r.tokenHash !== null);
    // While the run is going, the token (`<run id>.<random>`) is in no environment and no command line.
    await waitFor(() => runs.sh(id).length >= 3, "the run to reach its last command", 20_000);
    expect(processesMentioning(`${id}.`)).toEqual([]);
    const { run } = await runs.settle(id);
    expect(run.state, run.error ?? "").toBe("complete");
    const detail = runs.sh(id);
    expect(detail).toHaveLength(3);
    const logDir = path.join(data, "runs", "reach.git", id, "jobs", "look");
    const first = readFileSync(path.join(logDir, "sh-1.log"), "utf8");
    expect(first).not.toContain(SECRET);
    expect(first).not.toContain(":secrets");
    const env = readFileSync(path.join(logDir, "sh-2.log"), "utf8");
    expect(env).not.toContain("QUIRE_DATA_DIR");
    expect(env).not.toContain("QUIRE__");
    expect(env).not.toContain(data);
  });

  it("reveals a secret only when (secret …) asks, once, and logs it", async () => {
    const work = await newRepo(data, "secrets");
    cleanup.push(work);
    const { id } = await pushRun(work, {
      ".quire/ci.fnl": pipeline(`(ci.job :a [:quire/push] (fn [{: sh : secret}] (sh ["echo" (secret :deploy)]) (sh ["echo" (secret :deploy)])))
(ci.job :b [:a] (fn [{: sh : secret}] (sh ["echo" (secret :deploy)])))`),
    });
    const { run } = await runs.settle(id);
    expect(run.state, run.error ?? "").toBe("complete");
    expect(runs.db.sqlite.prepare("SELECT name, job_id FROM run_secrets WHERE run_id = ?").all(id)).toEqual([{ name: "deploy", job_id: "a" }]);
    await waitFor(() => serve.output().includes(`run ${id}: revealed secret "deploy" to job "a"`), "the reveal in the server log");
    expect(serve.output().match(new RegExp(`run ${id}: revealed secret`, "g"))).toHaveLength(1);
    expect(serve.output()).not.toContain(`run ${id}: revealed secret "unused"`);
  });
});
