// `quire mirror push|status` (declared in ./commands/mirror.ts). push runs the
// attempt in this process (secrets from config.fnl) and records it like the
// server does; status reads mirror_status, and with a repository also the
// targets its config declares now.
import { existsSync } from "node:fs";
import { ConfigFileError, loadConfigFile } from "../config/load.js";
import { resolveServerConfig, type ServerConfig } from "../config/types.js";
import { duration, when } from "../ci-status/format.js";
import { openRepo } from "../git/repos.js";
import { pushMirrorsNow } from "../mirror/manual.js";
import type { MirrorPushResult } from "../mirror/push.js";
import { mirrorStatus as readStatus, type MirrorTargetStatus } from "../mirror/status.js";
import { mirrorTargetsAt } from "../mirror/targets.js";
import type { CliContext, CommandRun } from "./context.js";
import { withDb } from "./with-db.js";

function refsText(r: Pick<MirrorPushResult, "refs">): string {
  return r.refs.map((x) => `${x.ref} ${x.status}`).join(", ");
}

function resultJson(url: string, r: MirrorPushResult) {
  return { url, outcome: r.outcome, error: r.error, refs: r.refs, started_at_ms: r.startedAtMs, finished_at_ms: r.finishedAtMs };
}

/** `quire mirror push REPO [REF] [--json]`. */
export const mirrorPush: CommandRun = async (ctx) => {
  const json = ctx.input.flag("json");
  let config: ServerConfig;
  try {
    config = resolveServerConfig((await loadConfigFile(ctx.paths.config)).config);
  } catch (e) {
    if (!(e instanceof ConfigFileError)) throw e;
    ctx.stderr.write(`quire mirror push: ${e.message}\n`);
    return 1;
  }
  const ref = ctx.input.arg("ref");
  const report = await withDb(ctx, (db) =>
    pushMirrorsNow({ db, reposDir: ctx.paths.repos, knownHostsFile: ctx.paths.knownHosts, config, repo: ctx.input.arg("repo")!, ...(ref === undefined ? {} : { ref }) }),
  );
  for (const w of report.warnings) ctx.stderr.write(`quire: warning: ${w}\n`);
  const failed = report.results.filter((r) => r.result.outcome !== "ok").length;
  if (json) {
    ctx.stdout.write(JSON.stringify({ repo: report.repo, ref: report.ref, targets: report.results.map((r) => resultJson(r.url, r.result)), untouched: report.untouched }) + "\n");
  } else {
    for (const { url, result } of report.results) {
      const label = result.outcome === "needs-human" ? "needs a human" : result.outcome;
      ctx.stdout.write(`${report.repo} → ${url}: ${label}${result.refs.length > 0 ? ` (${refsText(result)})` : ""}${result.error ? `: ${result.error}` : ""}\n`);
    }
    for (const url of report.untouched) ctx.stdout.write(`${report.repo} → ${url}: nothing to push (its :refs filter takes none of the refs)\n`);
  }
  if (report.results.length === 0 && report.untouched.length === 0) {
    ctx.stderr.write(`quire mirror push: ${report.repo} has no mirror targets: declare :mirrors in its .quire/config.fnl or in config.fnl\n`);
    return 1;
  }
  return failed > 0 ? 1 : 0;
};

function statusJson(s: MirrorTargetStatus & { declared: boolean | null }) {
  return {
    repo: s.repo,
    url: s.url,
    secret: s.target.secret,
    refs_filter: s.target.refs,
    deletions: s.target.deletions,
    declared: s.declared,
    outcome: s.last?.outcome ?? null,
    started_at_ms: s.last?.startedAtMs ?? null,
    finished_at_ms: s.last?.finishedAtMs ?? null,
    refs: s.last?.refs ?? [],
    error: s.last?.error ?? null,
    stderr: s.last?.stderr ?? null,
    failures: s.failures,
    last_ok_at_ms: s.lastOkAtMs,
    pending_refs: s.pendingRefs,
    next_attempt_at_ms: s.nextAttemptAtMs,
  };
}

function statusText(s: MirrorTargetStatus & { declared: boolean | null }): string {
  const lines = [`${s.repo} → ${s.url}${s.declared === false ? " (no longer declared)" : ""}`];
  if (s.last === null) lines.push("  never attempted");
  else {
    const label = s.last.outcome === "needs-human" ? "NEEDS A HUMAN" : s.last.outcome;
    lines.push(`  ${label} at ${when(s.last.finishedAtMs)} (${duration(s.last.startedAtMs, s.last.finishedAtMs)})${s.last.refs.length > 0 ? `: ${refsText(s.last)}` : ""}`);
    if (s.last.error !== null) lines.push(`  ${s.last.error}`);
  }
  if (s.failures > 1) lines.push(`  ${s.failures} failed attempts in a row`);
  if (s.lastOkAtMs !== null && s.last?.outcome !== "ok") lines.push(`  last success ${when(s.lastOkAtMs)}`);
  if (s.pendingRefs.length > 0) lines.push(`  waiting: ${s.pendingRefs.join(", ")}${s.nextAttemptAtMs === null ? "" : ` (next attempt ${when(s.nextAttemptAtMs)})`}`);
  return lines.join("\n") + "\n";
}

/** The targets `repo` declares at HEAD, or the problem that keeps them from being read. */
async function declaredTargets(ctx: CliContext, repo: string): Promise<{ name: string; urls: string[] | null; problem: string | null }> {
  const hosted = await openRepo(ctx.paths.repos, repo);
  let global: ServerConfig["mirrors"] = [];
  try {
    global = resolveServerConfig((await loadConfigFile(ctx.paths.config)).config).mirrors;
  } catch (e) {
    if (!(e instanceof ConfigFileError)) throw e;
  }
  try {
    const { targets } = await mirrorTargetsAt(hosted.dir, hosted.name, null, global);
    return { name: hosted.name, urls: targets.map((t) => t.url), problem: null };
  } catch (e) {
    return { name: hosted.name, urls: null, problem: e instanceof Error ? e.message : String(e) };
  }
}

/** `quire mirror status [REPO] [--json]`. */
export const mirrorStatus: CommandRun = async (ctx) => {
  const json = ctx.input.flag("json");
  const given = ctx.input.arg("repo");
  const declared = given === undefined ? undefined : await declaredTargets(ctx, given);
  const rows = existsSync(ctx.paths.db) ? await withDb(ctx, async (db) => readStatus(db, declared?.name)) : [];
  const all: (MirrorTargetStatus & { declared: boolean | null })[] = rows.map((r) => ({ ...r, declared: declared?.urls ? declared.urls.includes(r.url) : null }));
  for (const url of declared?.urls ?? []) {
    if (!rows.some((r) => r.url === url)) {
      all.push({ repo: declared!.name, url, target: { secret: null, refs: null, deletions: false }, last: null, failures: 0, lastOkAtMs: null, pendingRefs: [], nextAttemptAtMs: null, declared: true });
    }
  }
  if (declared?.problem) ctx.stderr.write(`quire mirror status: ${declared.problem}\n`);
  if (json) {
    ctx.stdout.write(JSON.stringify(all.map(statusJson)) + "\n");
    return declared?.problem ? 1 : 0;
  }
  if (all.length === 0) ctx.stderr.write(given === undefined ? "no mirror pushes yet\n" : `${declared!.name} has no mirror targets and no mirror pushes yet\n`);
  for (const s of all) ctx.stdout.write(statusText(s));
  return declared?.problem ? 1 : 0;
};
