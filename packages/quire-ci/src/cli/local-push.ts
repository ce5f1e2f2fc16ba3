// `:quire/push` for local mode, read from one commit of the checkout: its
// sha, the branch or tag that points at it as the ref (the current branch
// first), the first parent, the files it changed, its message, and now as
// the push time.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import type { PushOutputs } from "@quire/shared";

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

/** The ref a local run reports for `sha`: the current branch if it is there, else a branch or tag at it, else HEAD. */
function refFor(root: string, sha: string): string {
  const head = git(root, ["rev-parse", "HEAD"])?.trim();
  const current = git(root, ["symbolic-ref", "-q", "HEAD"])?.trim();
  if (head === sha && current) return current;
  const at = (git(root, ["for-each-ref", "--points-at", sha, "--format=%(refname)", "refs/heads", "refs/tags"]) ?? "").split("\n").filter(Boolean);
  return at.find((r) => r.startsWith("refs/heads/")) ?? at[0] ?? "HEAD";
}

export function localPush(root: string, sha: string): PushOutputs {
  const [, parents = "", message = ""] = (git(root, ["log", "-1", "--format=%H%x00%P%x00%B", sha]) ?? "").split("\0");
  const ref = refFor(root, sha);
  const files = git(root, ["diff-tree", "--no-commit-id", "--name-only", "-r", "--root", sha]) ?? "";
  const pusher = git(root, ["config", "user.name"])?.trim() || process.env.USER || os.userInfo().username || null;
  return {
    sha,
    ref,
    branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null,
    tag: ref.startsWith("refs/tags/") ? ref.slice("refs/tags/".length) : null,
    previous_sha: parents.trim().split(" ")[0] || null,
    files_changed: files.split("\n").filter((f) => f.length > 0),
    pusher,
    commit_message: message.replace(/\n+$/, ""),
    repo: path.basename(root),
    pushed_at_ms: Date.now(),
  };
}
