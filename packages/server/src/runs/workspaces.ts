// Where runs' workspaces live: outside the data directory (by default a
// private directory under the system's temporary directory, or :workspaces),
// so a pipeline's `../../../../config.fnl` from its workspace reaches nothing.
// The directory must be the current user's and closed to everyone else.
import { chmodSync, lstatSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** `<tmp>/quire-workspaces-<uid>`: one per user, shared by that user's data directories (run ids are random). */
export function defaultWorkspacesDir(): string {
  return path.join(os.tmpdir(), `quire-workspaces-${process.getuid?.() ?? "user"}`);
}

/** True when `dir` is `root` or inside it (after resolving both). */
export function isInside(dir: string, root: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(dir));
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Create `dir` (mode 0700) or check an existing one: a real directory (not a
 * symlink), owned by this user, not readable by others, and not inside the
 * data directory. Throws an Error saying what to fix.
 */
export function ensureWorkspacesDir(dir: string, dataDir: string): string {
  const resolved = path.resolve(dir);
  if (isInside(resolved, dataDir) || isInside(dataDir, resolved)) {
    throw new Error(
      `the workspaces directory ${resolved} must be outside the data directory ${dataDir} (and not contain it), ` +
        "so a pipeline cannot reach config.fnl or quire.db by a relative path; set :workspaces in config.fnl to another directory",
    );
  }
  mkdirSync(resolved, { recursive: true, mode: 0o700 });
  const st = lstatSync(resolved);
  if (!st.isDirectory()) throw new Error(`the workspaces directory ${resolved} is not a directory (a symlink?); remove it or set :workspaces`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new Error(`the workspaces directory ${resolved} belongs to uid ${st.uid}, not to this user (${uid}); remove it or set :workspaces`);
  }
  if ((st.mode & 0o077) !== 0) chmodSync(resolved, 0o700);
  return resolved;
}
