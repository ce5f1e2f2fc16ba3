// GET /api/run/workspace (docs/SCALING.md): the tree of a remote run's commit
// as a gzipped tar (`git archive`), for the runner that claimed it. Bearer
// run token; refused for runs that are not remote or not claimed, so a
// sandboxed quire-ci on the server gains nothing by asking.
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { Hono } from "hono";
import { HttpError } from "../../errors.js";
import { openRepo } from "../../git/repos.js";
import { runGit } from "../../git/run-git.js";
import type { RunTokenEnv } from "../middleware/run-token.js";

export function workspaceRoute(reposDir: string) {
  return new Hono<RunTokenEnv>().get("/", async (c) => {
    const run = c.get("run");
    if (run.launcher !== "remote" || run.runner === null) {
      throw new HttpError(403, "forbidden", `run ${run.id} is not a remote run held by a runner; its workspace is not served`);
    }
    let gitDir: string;
    try {
      gitDir = (await openRepo(reposDir, run.repo)).dir;
      await runGit(["cat-file", "-e", `${run.sha}^{tree}`], { gitDir });
    } catch {
      throw new HttpError(404, "not_found", `the commit ${run.sha} of ${run.repo} is no longer in the repository`);
    }
    const archive = spawn("git", ["archive", "--format=tar.gz", `${run.sha}^{tree}`], {
      env: { ...process.env, GIT_DIR: gitDir },
      stdio: ["ignore", "pipe", "ignore"],
    });
    c.req.raw.signal.addEventListener("abort", () => archive.kill(), { once: true });
    c.header("Content-Type", "application/gzip");
    c.header("Cache-Control", "no-store");
    return c.body(Readable.toWeb(archive.stdout) as ReadableStream);
  });
}
