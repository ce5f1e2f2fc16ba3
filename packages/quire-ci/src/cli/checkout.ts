// The checkout a local run (`quire-ci run`, `quire-ci check`) works on: the
// repository root found from any directory inside it, the commit to run, and
// a clean export of that commit (`git archive`) in a temporary directory, so
// the pipeline's commands never touch the user's working tree unless they ask
// for it with --dirty.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QuireCiError } from "../errors.js";

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** `dir` is a directory, but not inside a git checkout. */
export class NotACheckoutError extends QuireCiError {
  readonly dir: string;
  constructor(dir: string) {
    super(`${dir} is not inside a git checkout; a local run reads .quire/ci.fnl and :quire/push from a commit (run git init and commit first)`);
    this.name = "NotACheckoutError";
    this.dir = dir;
  }
}

/** The root of the git checkout that contains `dir` (default: the current directory). */
export function findCheckoutRoot(dir: string | undefined): string {
  const given = dir ?? ".";
  let real: string;
  try {
    real = fs.realpathSync(given);
    if (!fs.statSync(real).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new QuireCiError(`${given} is not a directory`);
  }
  const root = git(real, ["rev-parse", "--show-toplevel"]);
  if (root === undefined || root === "") throw new NotACheckoutError(real);
  return fs.realpathSync(root);
}

/** The full sha of `rev` (default HEAD) in the checkout at `root`. */
export function resolveCommit(root: string, rev: string | undefined): string {
  const name = rev ?? "HEAD";
  const sha = git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${name}^{commit}`]);
  if (sha === undefined || sha === "") {
    throw new QuireCiError(
      rev === undefined
        ? `${root} has no commit yet; commit .quire/ci.fnl first (or run the working tree as it is with --dirty)`
        : `--sha ${JSON.stringify(rev)} names no commit in ${root}`,
    );
  }
  return sha;
}

/** Whether `path` (relative to the root) exists in `sha`'s tree. */
export function commitHas(root: string, sha: string, file: string): boolean {
  return git(root, ["cat-file", "-e", `${sha}:${file}`]) !== undefined;
}

/** A new temporary directory for one local run: `<tmp>/quire-ci-XXXX`. */
export function runTempDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "quire-ci-")));
}

/** Write the tree of `sha` into the new directory `dest` (git archive | tar -x): no .git, no untracked files. */
export async function exportCommit(root: string, sha: string, dest: string): Promise<void> {
  fs.mkdirSync(dest, { recursive: true });
  const archive = spawn("git", ["-C", root, "archive", "--format=tar", `${sha}^{tree}`], { stdio: ["ignore", "pipe", "pipe"] });
  const tar = spawn("tar", ["-x", "-f", "-", "-C", dest], { stdio: ["pipe", "ignore", "pipe"] });
  let errors = "";
  for (const s of [archive.stderr, tar.stderr]) s.on("data", (d: Buffer) => void (errors.length < 4096 && (errors += d.toString("utf8"))));
  archive.stdout.pipe(tar.stdin);
  tar.stdin.on("error", () => {}); // tar may stop early; its error below says why
  const exit = (child: ReturnType<typeof spawn>): Promise<number | null> =>
    new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
  const [a, t] = await Promise.all([exit(archive), exit(tar)]);
  if (a !== 0 || t !== 0) throw new QuireCiError(`could not export ${sha.slice(0, 12)} from ${root} into ${dest}: ${errors.trim() || `git archive exit ${a}, tar exit ${t}`}`);
}
