// Where the reference Fennel tree is for the tests that compare against it
// (QUIRE_SHARED_DIR/reference/fennel), and why such a test must skip: no
// QUIRE_SHARED_DIR, no tree holding the file the test needs, or a missing
// command (lua5.4, make).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export interface ReferenceTree {
  /** The tree, when QUIRE_SHARED_DIR is set. */
  referenceTree: string | undefined;
  /** Why the test cannot run here; undefined when it can. */
  why: string | undefined;
}

/** The reference tree, checked for `marker` (a path inside it) and for each command of `commands` on PATH. */
export function referenceTree(marker: string, commands: string[] = []): ReferenceTree {
  const shared = process.env.QUIRE_SHARED_DIR;
  if (shared === undefined) return { referenceTree: undefined, why: "QUIRE_SHARED_DIR is not set" };
  const tree = path.join(shared, "reference", "fennel");
  if (!existsSync(path.join(tree, marker))) return { referenceTree: tree, why: `no reference Fennel tree at ${tree}` };
  const missing = commands.filter((c) => spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0);
  if (missing.length > 0) return { referenceTree: tree, why: `${missing.join(" or ")} ${missing.length > 1 ? "are" : "is"} not installed` };
  return { referenceTree: tree, why: undefined };
}
