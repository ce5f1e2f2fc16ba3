// `:quire/push` for local mode, read from the checkout's HEAD: its sha, its
// branch as refs/heads/…, the first parent, the files it changed, its message.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import type { PushOutputs } from "@quire/shared";
import { QuireCiError } from "../errors.js";

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

export function localPush(dir: string): PushOutputs {
  const head = git(dir, ["log", "-1", "--format=%H%x00%P%x00%B", "HEAD"]);
  if (head === undefined) {
    throw new QuireCiError(`${dir} is not a git checkout with a commit; :quire/push is read from HEAD (run git init and commit first)`);
  }
  const [sha = "", parents = "", message = ""] = head.split("\0");
  const ref = git(dir, ["symbolic-ref", "-q", "HEAD"])?.trim() || "HEAD";
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null;
  const files = git(dir, ["diff-tree", "--no-commit-id", "--name-only", "-r", "--root", "HEAD"]) ?? "";
  const pusher = git(dir, ["config", "user.name"])?.trim() || process.env.USER || os.userInfo().username || null;
  return {
    sha: sha.trim(),
    ref,
    branch,
    tag: null,
    previous_sha: parents.trim().split(" ")[0] || null,
    files_changed: files.split("\n").filter((f) => f.length > 0),
    pusher,
    commit_message: message.replace(/\n+$/, ""),
    repo: path.basename(dir),
    pushed_at_ms: Date.now(),
  };
}
