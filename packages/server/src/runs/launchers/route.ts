// Routing a pending run (docs/deploy.md): which launcher takes it and which
// runner labels it asks for, from the server's :launcher and the repository's
// own `.quire/config.fnl` at the pushed sha (:launcher, :runs-on). Decided
// once per run and recorded on it; the queue runs host launchers' runs,
// runners claim remote ones. The pipeline's own :runs-on (ci.options) is
// added by the runner that first evaluates it (runners/claim.ts).
import { isRunnerLabel } from "@quire/shared";
import { parseRepoConfig, REPO_CONFIG_PATH } from "../../config/repo-config.js";
import type { RunRow } from "../../db/schema.js";
import { openRepo } from "../../git/repos.js";
import { runGit } from "../../git/run-git.js";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { materializeWorkspace } from "../../git/materialize.js";
import { defaultExecutor } from "../spawn.js";
import { chooseLauncher } from "./choose.js";
import type { LauncherName } from "./launcher.js";

export interface RunRoute {
  launcher: LauncherName;
  /** Labels a runner must have (sorted, unique); empty: any runner. */
  runsOn: string[];
  /** Lines for the run's log: settings that were not followed, and why. */
  notes: string[];
}

/** `:runs-on` as labels, or a note saying why it was ignored. */
export function parseRunsOn(value: unknown, where: string): { labels: string[] } | { note: string } {
  if (value === undefined) return { labels: [] };
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  const bad = list?.find((l) => !isRunnerLabel(l));
  if (list === undefined || bad !== undefined) {
    return { note: `${where}: :runs-on must be a sequence of labels such as [:linux :arm64], got ${JSON.stringify(bad ?? value)}; ignored` };
  }
  return { labels: [...new Set(list as string[])].sort() };
}

/** The repository's config source at `sha`, or "" when it has none (or the repository is gone: its run fails in prepare). */
async function repoConfigAt(reposDir: string, run: RunRow): Promise<string> {
  let repo;
  try {
    repo = await openRepo(reposDir, run.repo);
  } catch {
    return "";
  }
  try {
    return await runGit(["cat-file", "blob", `${run.sha}:${REPO_CONFIG_PATH}`], { gitDir: repo.dir });
  } catch {
    return ""; // no such file at that commit
  }
}

/**
 * The :runs-on of the pipeline at the run's commit (ci.options), read with
 * `quire-ci check --json` on an export of the commit: it evaluates ci.fnl's
 * registration in quire-ci's sandboxed VM and runs nothing. [] when the
 * pipeline asks for none or does not load (the run then fails where it runs).
 */
async function pipelineRunsOn(gitDir: string, run: RunRow): Promise<{ labels: string[] } | { note: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "quire-route-"));
  try {
    // Only .quire/ (ci.fnl and its lib/): nothing else is read to register jobs.
    const hasPipeline = await runGit(["cat-file", "-e", `${run.sha}:.quire/ci.fnl`], { gitDir }).then(() => true, () => false);
    if (!hasPipeline) return { labels: [] };
    await materializeWorkspace(gitDir, run.sha, dir, [".quire"]);
    const { command, args = [] } = defaultExecutor();
    const { stdout } = await promisify(execFile)(command, [...args, "check", "--json", dir], { timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }).catch(
      (e: { stdout?: string }) => ({ stdout: e.stdout ?? "" }),
    );
    const answer = JSON.parse(stdout.trim().split("\n").at(-1) || "{}") as { ok?: boolean; options?: { runs_on?: unknown } };
    if (answer.ok !== true) return { labels: [] };
    return parseRunsOn(answer.options?.runs_on ?? [], "ci.options");
  } catch (e) {
    return { note: `the pipeline's :runs-on could not be read (${(e as Error).message}); runners are matched on the repository's :runs-on alone` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A router for `quire serve`: server launcher `server`, repositories under `reposDir`. */
export function makeRouter(reposDir: string, server: LauncherName): (run: RunRow) => Promise<RunRoute> {
  return async (run) => {
    const notes: string[] = [];
    let raw: Record<string, unknown> = {};
    try {
      const parsed = await parseRepoConfig(await repoConfigAt(reposDir, run));
      raw = parsed.config.raw;
      notes.push(...parsed.problems.map((p) => `${p} (the server's launcher settings apply)`));
    } catch (e) {
      notes.push(`${REPO_CONFIG_PATH} could not be read (${(e as Error).message}); the server's launcher settings apply`);
    }
    const chosen = chooseLauncher(server, raw.launcher);
    if (chosen.note) notes.push(chosen.note);
    const runsOn = parseRunsOn(raw["runs-on"], REPO_CONFIG_PATH);
    if ("note" in runsOn) notes.push(runsOn.note);
    let labels = "labels" in runsOn ? runsOn.labels : [];
    if (chosen.launcher === "remote") {
      const repo = await openRepo(reposDir, run.repo).catch(() => undefined);
      const fromPipeline = repo === undefined ? { labels: [] } : await pipelineRunsOn(repo.dir, run);
      if ("note" in fromPipeline) notes.push(fromPipeline.note);
      else labels = [...new Set([...labels, ...fromPipeline.labels])].sort();
    }
    if (labels.length > 0 && chosen.launcher !== "remote") notes.push(`:runs-on ${labels.join(" ")} applies to runners only; this run stays on the server (${chosen.launcher})`);
    return { launcher: chosen.launcher, runsOn: labels, notes };
  };
}
