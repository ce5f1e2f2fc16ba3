// What the executor needs to read inside a sandbox: the Node runtime (when it
// is not under /usr, which every sandbox has) and the package of its script
// with every package it depends on, found the way Node finds them
// (node_modules upward), by real path. Bound read-only, at the same paths.
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The nearest directory at or above `dir` holding a package.json, or undefined. */
function packageRoot(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Where `name` resolves from package `from` (node_modules upward), by real path. */
function findDependency(from: string, name: string): string | undefined {
  for (let d = from; ; d = path.dirname(d)) {
    const candidate = path.join(d, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return realpathSync(candidate);
    if (path.dirname(d) === d) return undefined;
  }
}

/** `root` and every package it depends on, transitively (missing optional ones skipped). */
export function packageClosure(root: string): string[] {
  const seen = new Set<string>();
  const queue = [realpathSync(root)];
  while (queue.length > 0) {
    const dir = queue.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    let pkg: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    try {
      pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as typeof pkg;
    } catch {
      continue;
    }
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const found = findDependency(dir, name);
      if (found !== undefined) queue.push(found);
    }
  }
  return [...seen];
}

/** Keep only paths not inside another one of the list. */
function outermost(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => isInside(p, q)));
}

/**
 * Host paths the executor `command args…` reads: the runtime's install
 * prefix when outside /usr, and for each argument that is a file, its
 * package with all dependencies (or its directory when it has no package).
 */
export function executorReadPaths(command: string, args: readonly string[]): string[] {
  const paths: string[] = [];
  if (path.isAbsolute(command) && existsSync(command)) {
    const real = realpathSync(command);
    // …/bin/node → its install prefix (…/lib/node_modules holds npm, not needed, but one bind is simpler).
    if (!isInside(real, "/usr")) paths.push(path.dirname(path.dirname(real)));
  }
  for (const arg of args) {
    if (!path.isAbsolute(arg) || !existsSync(arg) || !statSync(arg).isFile()) continue;
    const file = realpathSync(arg);
    const root = packageRoot(path.dirname(file));
    paths.push(...(root === undefined ? [path.dirname(file)] : packageClosure(root)));
  }
  return outermost(paths);
}
