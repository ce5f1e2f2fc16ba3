// The hosted bare repositories under <data>/repos: create (with hooks),
// list, remove, and open an existing one by name with its path checked.
import { mkdir, readdir, realpath, rm, stat } from "node:fs/promises";
import path from "node:path";
import { RepoExistsError, RepoNotFoundError } from "./errors.js";
import { installHooks, type HookOptions } from "./hooks.js";
import { parseRepoName, repoDir, type RepoName } from "./names.js";
import { runGit } from "./run-git.js";

export interface HostedRepo extends RepoName {
  /** Absolute path of the bare repository. */
  dir: string;
}

async function isBareRepo(dir: string): Promise<boolean> {
  try {
    const [head, objects] = await Promise.all([stat(path.join(dir, "HEAD")), stat(path.join(dir, "objects"))]);
    return head.isFile() && objects.isDirectory();
  } catch {
    return false;
  }
}

/**
 * Open an existing repository by (user-supplied) name. Checks the name rules,
 * that it exists, and that its real path (symlinks resolved) stays inside
 * `reposDir`. Throws RepoNameError or RepoNotFoundError.
 */
export async function openRepo(reposDir: string, input: string): Promise<HostedRepo> {
  const name = parseRepoName(input);
  const dir = repoDir(reposDir, name);
  if (!(await isBareRepo(dir))) throw new RepoNotFoundError(name.name);
  const [realRoot, realDir] = await Promise.all([realpath(reposDir), realpath(dir)]);
  const rel = path.relative(realRoot, realDir);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new RepoNotFoundError(name.name, `repository ${JSON.stringify(name.name)} resolves outside the repositories directory`);
  }
  return { ...name, dir: realDir };
}

/** Create a bare repository with default branch `main` and quire's hooks. */
export async function createRepo(reposDir: string, input: string, hooks: HookOptions): Promise<HostedRepo> {
  const name = parseRepoName(input);
  const dir = repoDir(reposDir, name);
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    await mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new RepoExistsError(name.name);
    }
    throw e;
  }
  try {
    await runGit(["init", "--bare", "--quiet", "--initial-branch=main", dir], { cwd: path.dirname(dir) });
    await installHooks(dir, hooks);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { ...name, dir };
}

/**
 * Every hosted repository, sorted by name (`foo.git`, `work/bar.git`). One
 * that cannot be opened (a symlink leading out of the repositories
 * directory, a name quire would refuse) is left out and told to `skipped`.
 */
export async function listRepos(reposDir: string, skipped: (name: string, reason: string) => void = () => {}): Promise<HostedRepo[]> {
  const found: HostedRepo[] = [];
  let top: string[];
  try {
    top = await readdir(reposDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  for (const entry of top) {
    const dir = path.join(reposDir, entry);
    if (entry.endsWith(".git")) {
      if (!(await isBareRepo(dir))) continue;
      try {
        found.push(await openRepo(reposDir, entry));
      } catch (e) {
        skipped(entry, e instanceof Error ? e.message : String(e));
      }
      continue;
    }
    let inner: string[];
    try {
      if (!(await stat(dir)).isDirectory()) continue;
      inner = await readdir(dir);
    } catch {
      continue;
    }
    for (const sub of inner) {
      if (!sub.endsWith(".git") || !(await isBareRepo(path.join(dir, sub)))) continue;
      try {
        found.push(await openRepo(reposDir, `${entry}/${sub}`));
      } catch (e) {
        // A directory whose name breaks the rules was not made by quire: not listed.
        skipped(`${entry}/${sub}`, e instanceof Error ? e.message : String(e));
      }
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Remove a repository; an emptied group directory goes too. */
export async function removeRepo(reposDir: string, input: string): Promise<HostedRepo> {
  const repo = await openRepo(reposDir, input);
  await rm(repo.dir, { recursive: true, force: true });
  if (repo.group !== null) {
    const groupDir = path.dirname(repo.dir);
    if ((await readdir(groupDir)).length === 0) await rm(groupDir, { recursive: true, force: true });
  }
  return repo;
}
