// A repository's own `.quire/config.fnl` (SPEC §8), read from a commit by
// whoever needs it (the web view's privacy rule, mirrors, notifications):
// evaluate the Fennel in a sandboxed VM with a time limit, then check the
// table. Features that own a key read its raw value from `raw`.
import { createVM, FennelError } from "fennel-js";

/** Where a repository keeps its settings, inside its tree. */
export const REPO_CONFIG_PATH = ".quire/config.fnl";

export interface RepoConfig {
  /** `:private true`: the repository is a 404 to anonymous readers. */
  private: boolean;
  /** `:public-runs true`: CI pages are readable without an identity. */
  publicRuns: boolean;
  /** Every key the file set, as evaluated (kebab-case keys). */
  raw: Record<string, unknown>;
}

export interface RepoConfigResult {
  config: RepoConfig;
  /** Problems that make the file unusable or a key ignored, as `file:line:col: message`. */
  problems: string[];
  /** Unknown keys, as `file:line:col: message`. */
  warnings: string[];
}

/** Keys a repository config may set; features not yet built read theirs from `raw`. */
export const REPO_CONFIG_KEYS = ["private", "public-runs", "mirrors", "notifications", "retention", "launcher", "runs-on"] as const;

export const DEFAULT_REPO_CONFIG: Readonly<RepoConfig> = Object.freeze({ private: false, publicRuns: false, raw: {} });

/** Longest a repository config may take to evaluate. */
const EVAL_TIMEOUT_MS = 2000;

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Where `:key` first appears in `source`, as line:col (col 0-based, as fennel-js counts). */
function positionOf(source: string, key: string): string {
  const at = source.search(new RegExp(`:${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=[\\s)}\\]]|$)`));
  if (at < 0) return "1:0";
  const before = source.slice(0, at);
  return `${before.split("\n").length}:${at - (before.lastIndexOf("\n") + 1)}`;
}

/**
 * Evaluate a repository config's source. Never throws: a file that does not
 * evaluate or is not a table yields `problems` and the defaults, and callers
 * decide how to fail (the privacy rule fails closed).
 */
export async function parseRepoConfig(source: string, file = REPO_CONFIG_PATH): Promise<RepoConfigResult> {
  const problems: string[] = [];
  const warnings: string[] = [];
  // An empty file (or only comments) sets nothing.
  if (source.replace(/;[^\n]*/g, "").trim() === "") return { config: { ...DEFAULT_REPO_CONFIG }, problems, warnings };
  let value: unknown;
  try {
    const vm = await createVM({ profile: "pipeline" });
    try {
      value = (await vm.evalString(source, { filename: file, timeoutMs: EVAL_TIMEOUT_MS }))[0];
    } finally {
      vm.close();
    }
  } catch (e) {
    const message = e instanceof FennelError ? e.message.split("\n")[0]! : e instanceof Error ? e.message : String(e);
    problems.push(/^[^\s:]+:\d+/.test(message) ? message : `${file}:1:0: ${message}`);
    return { config: { ...DEFAULT_REPO_CONFIG }, problems, warnings };
  }
  if (Array.isArray(value) && value.length === 0) value = {};
  if (!isTable(value)) {
    problems.push(`${file}:1:0: the file must end with one table such as {:private true}`);
    return { config: { ...DEFAULT_REPO_CONFIG }, problems, warnings };
  }
  const config: RepoConfig = { private: false, publicRuns: false, raw: value };
  const flag = (key: string): boolean => {
    const v = value[key];
    if (v === undefined) return false;
    if (typeof v === "boolean") return v;
    problems.push(`${file}:${positionOf(source, key)}: :${key} must be true or false, got ${JSON.stringify(v)}`);
    return false;
  };
  config.private = flag("private");
  config.publicRuns = flag("public-runs");
  for (const key of Object.keys(value)) {
    if (!(REPO_CONFIG_KEYS as readonly string[]).includes(key)) {
      warnings.push(`${file}:${positionOf(source, key)}: unknown key :${key} is ignored (known keys: ${REPO_CONFIG_KEYS.map((k) => `:${k}`).join(" ")})`);
    }
  }
  return { config, problems, warnings };
}
