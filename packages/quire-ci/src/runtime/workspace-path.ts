// Containment of user-given paths in the workspace: `:cwd`, read-file,
// write-file. Resolves symlinks, so a link pointing outside is refused too.
import fs from "node:fs";
import path from "node:path";

export class WorkspacePathError extends Error {
  override name = "WorkspacePathError";
}

function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The deepest existing ancestor of `p` (p itself when it exists), resolved through symlinks. */
function realExistingPrefix(p: string): { real: string; rest: string[] } {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return { real: fs.realpathSync(cur), rest };
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return { real: cur, rest };
      rest.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

/**
 * Resolve `userPath` (relative to the workspace) to an absolute path that is
 * inside the workspace after resolving symlinks. `what` names the argument in errors.
 */
export function resolveInWorkspace(workspaceReal: string, userPath: string, what: string): string {
  if (typeof userPath !== "string" || userPath.length === 0) {
    throw new WorkspacePathError(`${what} must be a non-empty path relative to the workspace`);
  }
  if (userPath.includes("\0")) throw new WorkspacePathError(`${what} ${JSON.stringify(userPath)} contains a NUL byte`);
  const abs = path.resolve(workspaceReal, userPath);
  if (!inside(workspaceReal, abs)) {
    throw new WorkspacePathError(`${what} ${JSON.stringify(userPath)} is outside the workspace; use a path relative to the workspace that stays inside it`);
  }
  const { real, rest } = realExistingPrefix(abs);
  const resolved = path.join(real, ...rest);
  if (!inside(workspaceReal, resolved)) {
    throw new WorkspacePathError(`${what} ${JSON.stringify(userPath)} leads outside the workspace through a symlink`);
  }
  return resolved;
}
