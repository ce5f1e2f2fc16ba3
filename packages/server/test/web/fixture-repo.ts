// Builds the real bare repositories the web tests read: history with a merge,
// renames (two steps), annotated and lightweight tags, a binary file, an
// image, hostile file names (<, quotes, spaces, non-UTF-8 bytes), a hostile
// README, a jj-style `push-*` ref and a commit carrying a `change-id` header.
// Every commit date is fixed, so shas are the same on every run.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gitEnv } from "../git/git-helpers.js";

/** A 1×1 transparent PNG. */
export const PNG_BYTES = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

/** The README the fixture ships: Markdown plus every trick a sanitizer must defuse. */
export const HOSTILE_README = [
  "# Demo project",
  "",
  "See [the guide](docs/guide.md), [the src dir](src/), [up and out](../../etc/passwd) and [an anchor](#usage).",
  "",
  "![logo](img/logo.png)",
  "",
  "## Usage",
  "",
  "```sh",
  "make && ./demo",
  "```",
  "",
  '<script>window.__pwned = 1</script>',
  '<img src="x" onerror="window.__pwned = 2">',
  '[click](javascript:window.__pwned=3)',
  '<a href="javascript:window.__pwned=4">js link</a>',
  '<svg><script>window.__pwned=5</script></svg>',
  '<iframe src="https://example.invalid/"></iframe>',
  '<a href="https://example.org/" onclick="window.__pwned=6">safe link</a>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+">',
  '<div style="position:fixed;top:0">styled</div>',
  '<form action="https://example.invalid/"><input name="q"></form>',
  "",
].join("\n");

/** What a test needs to know about the built repository. */
export interface FixtureRepo {
  /** Absolute path of the bare repository. */
  dir: string;
  /** Commit shas by label. */
  sha: Record<"initial" | "renameOne" | "feature" | "merge" | "renameTwo" | "changeId" | "head" | "pushRef", string>;
  /** The change id written into the `change-id` header. */
  changeId: string;
  /** The non-UTF-8 file name's bytes. */
  latin1Name: Buffer;
}

/** Fixed dates: commit N is at 2026-01-0N 12:00 UTC. */
function dated(n: number): NodeJS.ProcessEnv {
  const d = `2026-01-${String(n).padStart(2, "0")}T12:00:00Z`;
  return gitEnv({ GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d });
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = gitEnv(), input?: Buffer | string): string {
  return execFileSync("git", args, { cwd, env, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] }).trim();
}

function write(root: string, rel: string, content: string | Buffer): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** A C file of `n` lines, enough for blame and line history to have something to do. */
export function cSource(n: number, tag = ""): string {
  const lines = ["#include <stdio.h>", "", "int main(void) {"];
  for (let i = 4; i < n; i++) lines.push(`  printf("line ${i}${tag}\\n"); /* "quoted" & <b> */`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

/**
 * Build the fixture at `<parent>/<name>` (a bare repository, `.git` appended
 * to `name` when missing). `configFnl`, when given, is committed as
 * `.quire/config.fnl` in the last commit on main.
 */
export function buildFixtureRepo(parent: string, name = "demo", options: { configFnl?: string } = {}): FixtureRepo {
  const bare = path.join(parent, name.endsWith(".git") ? name : `${name}.git`);
  const work = path.join(parent, `${path.basename(bare, ".git")}-work`);
  mkdirSync(work, { recursive: true });
  git(work, ["init", "-q", "-b", "main"]);
  let n = 1;
  const commit = (message: string) => {
    git(work, ["add", "-A"], dated(n));
    git(work, ["commit", "-q", "-m", message], dated(n));
    n++;
    return git(work, ["rev-parse", "HEAD"]);
  };

  write(work, "README.md", HOSTILE_README);
  write(work, "old.c", cSource(40));
  write(work, "docs/guide.md", "# Guide\n\nRead me.\n");
  write(work, "img/logo.png", PNG_BYTES);
  write(work, "bin/blob.dat", Buffer.from([0, 1, 2, 3, 255, 0, 10, 13]));
  write(work, "page.html", '<!doctype html><script>window.__pwned = "raw"</script><p>hi</p>\n');
  write(work, 'weird/a <b> "q" & \'s.txt', "a file with a hostile name\n");
  write(work, "src/main.fnl", '(local x {:a 1 :b "two"})\n(fn greet [name]\n  (print (.. "hello " name)))\n(greet :world)\n');
  const initial = commit("Initial commit\n\nWith a body line.");

  mkdirSync(path.join(work, "lib"), { recursive: true });
  git(work, ["mv", "old.c", "lib/old.c"]);
  write(work, "lib/old.c", cSource(40).replace("line 10", "line ten"));
  const renameOne = commit("Move old.c into lib/");

  git(work, ["checkout", "-q", "-b", "feature"]);
  write(work, "feature.txt", "feature work\n");
  const feature = commit("Add feature.txt on a branch");
  git(work, ["checkout", "-q", "main"]);
  write(work, "lib/old.c", cSource(40).replace("line 10", "line ten").replace("line 20", "line twenty"));
  commit("Change line 20 on main");
  git(work, ["merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature"], dated(n));
  n++;
  const merge = git(work, ["rev-parse", "HEAD"]);

  git(work, ["mv", "lib/old.c", "now.c"]);
  const renameTwo = commit("Rename lib/old.c to now.c");
  git(work, ["tag", "v0.1", renameTwo]);
  git(work, ["tag", "-a", "v0.2", "-m", "Release 0.2\n\nNotes.", renameTwo], dated(n));

  if (options.configFnl !== undefined) write(work, ".quire/config.fnl", options.configFnl);
  write(work, "now.c", cSource(40).replace("line 10", "line ten").replace("line 20", "line twenty").replace("line 30", "line thirty"));
  const plain = commit("Touch now.c");

  // A commit with a jj change-id header: written as a raw object, then made HEAD of main.
  const changeId = "kxqpmvwzzyzlnrsxtkrmloqnyuqzvlsw";
  const tree = git(work, ["rev-parse", `${plain}^{tree}`]);
  const raw =
    `tree ${tree}\nparent ${plain}\n` +
    `author Quire Test <test@example.invalid> 1767614400 +0000\ncommitter Quire Test <test@example.invalid> 1767614400 +0000\n` +
    `change-id ${changeId}\n\nDescribe the change with jj\n`;
  const changeSha = git(work, ["hash-object", "-t", "commit", "-w", "--stdin"], gitEnv(), raw);
  git(work, ["update-ref", "refs/heads/main", changeSha]);
  git(work, ["reset", "-q", "--hard", changeSha]);

  // A non-UTF-8 file name, added through the index with raw bytes.
  const latin1Name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "caf\xe9.txt"
  const blob = git(work, ["hash-object", "-w", "--stdin"], gitEnv(), "latin-1 named file\n");
  const indexLine = Buffer.concat([Buffer.from(`100644 ${blob}\t`), latin1Name, Buffer.from("\n")]);
  execFileSync("git", ["update-index", "--index-info"], { cwd: work, env: gitEnv(), input: indexLine });
  git(work, ["commit", "-q", "-m", "Add a file whose name is not UTF-8"], dated(n));
  n++;
  const head = git(work, ["rev-parse", "HEAD"]);

  // jj's `jj git push --change` bookmark: a branch named push-<change id prefix>.
  git(work, ["checkout", "-q", "-b", "push-kxqpmvwzzyzl", changeSha]);
  write(work, "wip.txt", "work in progress\n");
  const pushRef = commit("WIP: try something");
  git(work, ["checkout", "-q", "main"]);

  // A bare clone keeps every branch and tag under its own name.
  git(parent, ["clone", "-q", "--bare", work, bare]);
  return { dir: bare, sha: { initial, renameOne, feature, merge, renameTwo, changeId: changeSha, head, pushRef }, changeId, latin1Name };
}
