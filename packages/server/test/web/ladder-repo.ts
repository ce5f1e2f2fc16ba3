// Small histories for the blame ladder and line-range history: lines
// inserted above, a line rewritten, a rename with a deletion, so climbing
// from a line must map it through each parent diff; and a line rewritten
// over and over, to page through. Fixed dates: stable shas.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gitEnv } from "../git/git-helpers.js";

export interface LadderRepo {
  dir: string;
  /** c1: story.txt "one".."ten" (root); c2: three lines on top, "six" → "SIX"; c3: renamed tale.txt, "two" gone, "eight" → "EIGHT". */
  sha: { c1: string; c2: string; c3: string };
}

const WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

function git(cwd: string, args: string[], n = 1): string {
  const d = `2026-02-0${n}T08:00:00Z`;
  return execFileSync("git", args, { cwd, env: gitEnv({ GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d }), encoding: "utf8" }).trim();
}

export function buildLadderRepo(parent: string, name = "ladder"): LadderRepo {
  const work = path.join(parent, `${name}-work`);
  mkdirSync(work, { recursive: true });
  git(work, ["init", "-q", "-b", "main"]);
  const commit = (n: number, message: string) => {
    git(work, ["add", "-A"], n);
    git(work, ["commit", "-q", "-m", message], n);
    return git(work, ["rev-parse", "HEAD"]);
  };
  writeFileSync(path.join(work, "story.txt"), WORDS.join("\n") + "\n");
  const c1 = commit(1, "Tell the story");
  writeFileSync(path.join(work, "story.txt"), ["new a", "new b", "new c", ...WORDS.map((w) => (w === "six" ? "SIX" : w))].join("\n") + "\n");
  const c2 = commit(2, "Add a preface & shout <six>");
  git(work, ["mv", "story.txt", "tale.txt"]);
  const lines = ["new a", "new b", "new c", ...WORDS.filter((w) => w !== "two").map((w) => (w === "six" ? "SIX" : w === "eight" ? "EIGHT" : w))];
  writeFileSync(path.join(work, "tale.txt"), lines.join("\n") + "\n");
  const c3 = commit(3, "Rename to tale.txt, drop two, shout eight");
  const dir = path.join(parent, `${name}.git`);
  git(parent, ["clone", "-q", "--bare", work, dir]);
  rmSync(work, { recursive: true, force: true });
  return { dir, sha: { c1, c2, c3 } };
}

/** `churn.txt` (5 lines) whose line 2 is rewritten by each of `n` commits after the first: history to page through. */
export function buildChurnRepo(parent: string, n: number, name = "churn"): { dir: string; shas: string[] } {
  const work = path.join(parent, `${name}-work`);
  mkdirSync(work, { recursive: true });
  git(work, ["init", "-q", "-b", "main"]);
  const shas: string[] = [];
  for (let i = 0; i <= n; i++) {
    writeFileSync(path.join(work, "churn.txt"), ["first", `second, take ${i}`, "third", "fourth", "fifth"].join("\n") + "\n");
    git(work, ["add", "-A"], 1);
    git(work, ["commit", "-q", "-m", `Take ${i}`], 1);
    shas.push(git(work, ["rev-parse", "HEAD"]));
  }
  const dir = path.join(parent, `${name}.git`);
  git(parent, ["clone", "-q", "--bare", work, dir]);
  rmSync(work, { recursive: true, force: true });
  return { dir, shas: shas.reverse() };
}
