// Repository name rules (SPEC §3) and where a named repository lives on disk.
// Every place that turns user input into a repository path goes through here.
import path from "node:path";
import { RepoNameError } from "./errors.js";

/** A checked repository name. `name` is canonical: `foo.git` or `group/foo.git`. */
export interface RepoName {
  name: string;
  group: string | null;
  /** The last segment without `.git`. */
  base: string;
}

const SEGMENT_CHARS = /^[A-Za-z0-9._-]+$/;
const MAX_SEGMENT = 100;
/** Top-level names the web view uses for pages of its own. */
const RESERVED: ReadonlySet<string> = new Set(["runs"]);

/**
 * Check `input` against the name rules and return its canonical form
 * (`.git` appended when omitted). Throws RepoNameError listing every rule broken.
 */
export function parseRepoName(input: string): RepoName {
  const problems: string[] = [];
  if (input === "") throw new RepoNameError(input, ["the name is empty: pass a name such as foo or work/foo"]);
  const bad = [...new Set([...input].filter((c) => !/[A-Za-z0-9._/-]/.test(c)))];
  if (bad.length > 0) {
    problems.push(
      `it contains ${bad.map((c) => JSON.stringify(c)).join(", ")}: use only letters, digits, ".", "_", "-" and one "/"`,
    );
  }
  if (input.startsWith("/")) problems.push("it is an absolute path: name the repository relative to the forge, e.g. foo.git");
  const segments = input.split("/");
  if (segments.length > 2) problems.push(`it has ${segments.length - 1} "/": at most one level of grouping (work/foo.git)`);
  const withGit = input.endsWith(".git") ? input : `${input}.git`;
  const canonicalSegments = withGit.split("/");
  canonicalSegments.forEach((seg, i) => {
    const last = i === canonicalSegments.length - 1;
    const what = last ? "the name" : `the group ${JSON.stringify(seg)}`;
    if (seg === "" || seg === ".git") {
      if (!(i === 0 && input.startsWith("/"))) problems.push(`${what} has an empty segment: write group/name, not group//name or name/`);
      return;
    }
    if (seg.startsWith("-")) problems.push(`${what} starts with "-": names may not look like options`);
    if (seg.startsWith(".")) problems.push(`${what} starts with ".": hidden names are not allowed`);
    if (seg.includes("..")) problems.push(`${what} contains "..": path traversal is not allowed`);
    if (seg.length > MAX_SEGMENT) problems.push(`${what} is longer than ${MAX_SEGMENT} characters`);
    if (!last && seg.endsWith(".git")) problems.push(`${what} ends in ".git": only the repository itself ends in .git`);
    if (last && seg.slice(0, -4).endsWith(".git")) problems.push(`the name ends in ".git.git": write ${JSON.stringify(seg.slice(0, -4))}`);
    if (!SEGMENT_CHARS.test(seg) && bad.length === 0) problems.push(`${what} has characters outside [A-Za-z0-9._-]`);
  });
  // `/runs` is the web view's page of every repository's runs (web/router.ts).
  if (canonicalSegments.length === 1 && RESERVED.has(canonicalSegments[0]!.slice(0, -4))) {
    problems.push(`the name ${JSON.stringify(canonicalSegments[0]!.slice(0, -4))} is reserved for a page of the web view: pick another, or put it in a group (team/runs)`);
  }
  if (problems.length > 0) throw new RepoNameError(input, [...new Set(problems)]);
  const group = canonicalSegments.length === 2 ? canonicalSegments[0]! : null;
  const last = canonicalSegments[canonicalSegments.length - 1]!;
  return { name: withGit, group, base: last.slice(0, -4) };
}

/** True when `input` is a valid repository name. */
export function isValidRepoName(input: string): boolean {
  try {
    parseRepoName(input);
    return true;
  } catch {
    return false;
  }
}

/**
 * The directory of a checked repository under `reposDir`. Checks again that
 * the joined path stays inside `reposDir`, so a bug in the rules above cannot
 * become a traversal.
 */
export function repoDir(reposDir: string, name: RepoName): string {
  const root = path.resolve(reposDir);
  const dir = path.resolve(root, name.name);
  const rel = path.relative(root, dir);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new RepoNameError(name.name, ["it resolves outside the repositories directory"]);
  }
  return dir;
}
