// Workspaces really go: after a run ends, and after `quire serve` is killed
// mid-run (SIGKILL), when the next server starts: the run is orphaned and
// its workspace removed by the retention pass at start.
import { afterAll, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { commitFiles, gitAsync, quire, tempDir, workTree } from "../git/git-helpers.js";
import { pipeline, queuedRuns, RunWatcher, startServe, type Serve } from "../e2e/harness.js";
import { waitFor } from "../helpers.js";

const cleanup: string[] = [];
let serve: Serve | undefined;
afterAll(async () => {
  await serve?.stop();
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

it("a server killed mid-run leaves a workspace that the next start removes", async () => {
  const data = await tempDir("quire-crash-ws-");
  cleanup.push(data);
  expect(quire(data, ["repo", "new", "app"]).status).toBe(0);
  const work = await workTree(path.join(data, "repos", "app.git"));
  cleanup.push(work);
  // Workspaces live outside the data directory (:workspaces).
  const workspaces = await tempDir("quire-crash-ws-workspaces-");
  cleanup.push(workspaces);
  serve = await startServe(data, `{:workspaces "${workspaces}"}\n`);
  const runs = new RunWatcher(data);
  try {
    await commitFiles(work, { ".quire/ci.fnl": pipeline(`(ci.job :wait [:quire/push] (fn [{: sh}] (sh "sleep 60")))`) }, "slow");
    const push = await gitAsync(work, ["push", "origin", "main"]);
    const id = queuedRuns(push.stderr).get("refs/heads/main")!;
    expect(id, push.stderr).toBeDefined();
    await runs.until(id, (r) => r.state === "active" && runs.sh(id).length > 0);
    const workspace = path.join(workspaces, id);
    expect(existsSync(path.join(workspace, ".quire", "ci.fnl"))).toBe(true);

    serve.proc.kill("SIGKILL");
    await serve.stop();
    expect(existsSync(workspace)).toBe(true); // what a crash leaves behind

    serve = await startServe(data);
    const { run } = await runs.settle(id);
    expect(run).toMatchObject({ state: "failed", failureKind: "orphaned" });
    // The pass logs once it has removed what it found.
    const removed = new RegExp(`retention: removed 1 leftover workspace\\(s\\): app\\.git/${id}`);
    const s = serve;
    await waitFor(() => removed.test(s.output()), "the retention pass to remove the workspace", 20_000);
    expect(existsSync(workspace)).toBe(false);
    expect(existsSync(path.join(data, "runs", "app.git", id, "quire-ci.log"))).toBe(true); // logs stay
  } finally {
    runs.close();
  }
});
