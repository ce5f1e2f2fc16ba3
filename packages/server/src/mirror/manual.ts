// `quire mirror push REPO [REF]`: push by hand, now, in the calling process.
// One ref, or every ref (plus refs still queued for a retry), to each target
// whose filter takes it; the attempt is recorded like the server's own.
import { redactorFor } from "../config/secrets.js";
import type { ServerConfig } from "../config/types.js";
import type { Db } from "../db/open.js";
import { openRepo } from "../git/repos.js";
import { runGit } from "../git/run-git.js";
import { refSelected } from "../config/mirrors.js";
import { pushToMirror, type MirrorPushResult } from "./push.js";
import { pendingMirrorRefs, recordMirrorAttempt } from "./status.js";
import { mirrorTargetsAt } from "./targets.js";

export interface ManualPushOptions {
  db: Db;
  reposDir: string;
  /** The data directory's known_hosts, for ssh targets. */
  knownHostsFile?: string;
  config: Pick<ServerConfig, "mirrors" | "secrets">;
  repo: string;
  /** A full ref name (`refs/heads/main`); a short one (`main`, `v1.0`) is looked up. Omitted: every ref. */
  ref?: string;
  pushTimeoutMs?: number;
}

export interface ManualPushReport {
  repo: string;
  /** The ref as resolved, when one was given. */
  ref: string | null;
  results: { url: string; result: MirrorPushResult }[];
  /** Targets whose filter takes none of the refs. */
  untouched: string[];
  warnings: string[];
}

/** A short ref name as git resolves it for a push (`main` → `refs/heads/main`), or the name itself when already full. */
async function fullRef(gitDir: string, ref: string): Promise<string> {
  if (ref.startsWith("refs/")) return ref;
  const out = await runGit(["for-each-ref", "--format=%(refname)", `refs/heads/${ref}`, `refs/tags/${ref}`], { gitDir });
  const exact = out.split("\n").filter((r) => r === `refs/heads/${ref}` || r === `refs/tags/${ref}`);
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1) throw new Error(`${JSON.stringify(ref)} is both a branch and a tag: give the full name, refs/heads/${ref} or refs/tags/${ref}`);
  throw new Error(`no ref ${JSON.stringify(ref)} in the repository: give a branch, a tag or a full ref name (refs/…)`);
}

/** Push to every mirror target of `options.repo` now. Throws for an unknown repo or ref, or an unusable repo config. */
export async function pushMirrorsNow(options: ManualPushOptions): Promise<ManualPushReport> {
  const { db } = options;
  const hosted = await openRepo(options.reposDir, options.repo);
  const ref = options.ref === undefined ? null : await fullRef(hosted.dir, options.ref);
  const all = (await runGit(["for-each-ref", "--format=%(refname)", "refs/"], { gitDir: hosted.dir })).split("\n").filter((r) => r !== "");
  const sha = ref === null ? "HEAD" : all.includes(ref) ? ref : null;
  const { targets, warnings } = await mirrorTargetsAt(hosted.dir, hosted.name, sha, options.config.mirrors);
  const report: ManualPushReport = { repo: hosted.name, ref, results: [], untouched: [], warnings };
  const redactor = await redactorFor(options.config.secrets);
  for (const target of targets) {
    const waiting = pendingMirrorRefs(db, hosted.name, target.url)?.refs ?? [];
    const candidates = ref === null ? [...new Set([...all, ...waiting.map((p) => p.ref)])] : [ref];
    const refs = candidates.filter((r) => refSelected(target, r) && (all.includes(r) || target.deletions));
    if (refs.length === 0) {
      report.untouched.push(target.url);
      continue;
    }
    const result = await pushToMirror({ gitDir: hosted.dir, url: target.url, target, refs, secrets: options.config.secrets, redactor, timeoutMs: options.pushTimeoutMs, knownHostsFile: options.knownHostsFile });
    // A success (or a verdict for a human) settles what was queued for these refs; a failure leaves the server's retries alone.
    const attempted = result.outcome === "error" ? [] : waiting.filter((p) => refs.includes(p.ref));
    recordMirrorAttempt(db, hosted.name, target, result, { attempted, retryAtMs: null });
    report.results.push({ url: target.url, result });
  }
  return report;
}
