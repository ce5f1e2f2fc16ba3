// A repository's own `.quire/config.fnl` (SPEC §8), read from a commit by
// whoever needs it: the web view's privacy rule (`:private`, `:public-runs`),
// mirrors, notifications, retention. Evaluated like config.fnl (sandboxed, no
// modules, a time limit); a file with any problem cannot be used, and each
// feature falls back its own way (privacy closes, mirroring stops).
import path from "node:path";
import { runGit } from "../git/run-git.js";
import { ConfigFileError, ConfigReport, evaluateConfig, isTable, typeName } from "./fennel-table.js";
import { readMirrors, type MirrorTarget } from "./mirrors.js";
import { readNotifications, type NotificationSettings } from "./notifications.js";
import { readRetention, type RetentionPolicy } from "./retention.js";

/** Where a repository keeps its settings, inside its tree. */
export const REPO_CONFIG_PATH = ".quire/config.fnl";

export interface RepoConfig {
  /** `:private true`: the repository is a 404 to anonymous readers. */
  private: boolean;
  /** `:public-runs true`: CI pages are readable without an identity. */
  publicRuns: boolean;
  /** Replaces the global default targets when set (`{}` turns mirroring off). */
  mirrors?: MirrorTarget[];
  /** Laid over the global :notifications, key by key. */
  notifications?: NotificationSettings;
  /** Laid over the global :retention, key by key. */
  retention?: Partial<RetentionPolicy>;
  /** Every key the file set, as evaluated (kebab-case keys), for features that read their own. */
  raw: Record<string, unknown>;
}

export interface RepoConfigResult {
  config: RepoConfig;
  /** Problems that make the file unusable, as `file:line:col: message`. */
  problems: string[];
  /** Unknown keys, as `file:line:col: message`. */
  warnings: string[];
  /**
   * True when `:private` could be read (the file evaluated to a table whose
   * `:private`, if set, is a boolean), whatever other keys got wrong: a typo
   * in `:mirrors` does not hide a repository, a file that does not evaluate does.
   */
  privacyKnown: boolean;
}

/** Keys a repository config may set; features not yet built read theirs from `raw`. */
export const REPO_CONFIG_KEYS = ["private", "public-runs", "mirrors", "notifications", "retention", "launcher", "runs-on"] as const;

export const DEFAULT_REPO_CONFIG: Readonly<RepoConfig> = Object.freeze({ private: false, publicRuns: false, raw: {} });

/** Longest a repository config may take to evaluate. */
const EVAL_TIMEOUT_MS = 2000;

/** A root that does not exist: a repository config has no modules to require. */
const NO_MODULES = path.join(path.sep, "nonexistent", "quire-repo-config");

/**
 * Evaluate a repository config's source. Never throws: a file that does not
 * evaluate, is not a table or sets a key wrongly yields `problems` (and the
 * defaults for what it could not read); callers decide how to fail.
 */
export async function parseRepoConfig(source: string, file = REPO_CONFIG_PATH): Promise<RepoConfigResult> {
  const config: RepoConfig = { ...DEFAULT_REPO_CONFIG };
  // An empty file (or only comments) sets nothing.
  if (source.replace(/;[^\n]*/g, "").trim() === "") return { config, problems: [], warnings: [], privacyKnown: true };
  let value: unknown;
  try {
    value = await evaluateConfig(source, file, { root: NO_MODULES, timeoutMs: EVAL_TIMEOUT_MS });
  } catch (e) {
    if (!(e instanceof ConfigFileError)) throw e;
    return { config, problems: e.problems, warnings: [], privacyKnown: false };
  }
  if (!isTable(value)) {
    return { config, problems: [`${file}:1:0: the file must end with one table such as {:private true}; it gave ${typeName(value)}`], warnings: [], privacyKnown: false };
  }
  let privacyKnown = true;
  const report = new ConfigReport(file, source);
  config.raw = value;
  for (const [key, v] of report.entries(value)) {
    switch (key) {
      case "private":
      case "public-runs":
        if (typeof v === "boolean") config[key === "private" ? "private" : "publicRuns"] = v;
        else {
          report.problem(key, `:${key} must be true or false, got ${typeName(v)}`);
          if (key === "private") privacyKnown = false;
        }
        break;
      case "mirrors": {
        const mirrors = readMirrors(v, report, { allowPlaceholders: false });
        if (mirrors !== undefined) config.mirrors = mirrors;
        break;
      }
      case "notifications": {
        const notifications = readNotifications(v, report, { global: false });
        if (notifications !== undefined) config.notifications = notifications;
        break;
      }
      case "retention": {
        const retention = readRetention(v, report);
        if (retention !== undefined) config.retention = retention;
        break;
      }
      default:
        if (!(REPO_CONFIG_KEYS as readonly string[]).includes(key)) {
          report.warn(key, `unknown key :${key} is ignored (known keys: ${REPO_CONFIG_KEYS.map((k) => `:${k}`).join(" ")})`);
        }
    }
  }
  return { config, problems: report.problems, warnings: report.warnings, privacyKnown };
}

export interface LoadedRepoConfig {
  config: RepoConfig;
  warnings: string[];
  /** The commit the file was read at, or null when neither the sha nor HEAD has one. */
  readAt: string | null;
}

const cache = new Map<string, Promise<RepoConfigResult>>();
const CACHE_ENTRIES = 256;

async function blobAt(gitDir: string, rev: string): Promise<{ blob: string; commit: string } | undefined> {
  if (rev.startsWith("-")) return undefined;
  try {
    const out = await runGit(["rev-parse", `${rev}^{commit}`, `${rev}:${REPO_CONFIG_PATH}`], { gitDir });
    const [commit, blob] = out.trim().split("\n");
    return commit && blob ? { commit, blob } : undefined;
  } catch {
    return undefined; // no such commit, or no config file in its tree
  }
}

/**
 * The config of the bare repository `gitDir` as of `sha`: its
 * `.quire/config.fnl`, or, when that tree has none (a tag of an old commit,
 * a deleted ref: `sha` null), the one at HEAD; the defaults when neither has
 * one. Throws ConfigFileError when the file is there but cannot be used.
 */
export async function loadRepoConfig(gitDir: string, repo: string, sha: string | null): Promise<LoadedRepoConfig> {
  const found = (sha === null ? undefined : await blobAt(gitDir, sha)) ?? (await blobAt(gitDir, "HEAD"));
  if (found === undefined) return { config: { ...DEFAULT_REPO_CONFIG }, warnings: [], readAt: null };
  const label = `${repo}/${REPO_CONFIG_PATH}@${found.commit.slice(0, 12)}`;
  let parsed = cache.get(found.blob);
  if (parsed === undefined) {
    parsed = runGit(["cat-file", "blob", found.blob], { gitDir }).then((source) => parseRepoConfig(source, label));
    cache.set(found.blob, parsed);
    parsed.catch(() => cache.delete(found.blob));
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  }
  const { config, problems, warnings } = await parsed;
  if (problems.length > 0) throw new ConfigFileError(label, problems);
  return { config, warnings, readAt: found.commit };
}
