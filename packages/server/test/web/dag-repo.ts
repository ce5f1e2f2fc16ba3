// Builds bare repositories of arbitrary commit graphs through one
// `git fast-import`: each commit names its parents and its committer time, so
// tests can make merges, equal dates and clock skew at will. Used where the
// fixture's one history is not enough (walk order, paging).
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { gitEnv } from "../git/git-helpers.js";

export interface DagCommit {
  /** Indexes of earlier commits, in parent order. */
  parents: number[];
  /** Committer (and author) time, seconds. */
  time: number;
  /** Files to write in this commit (path → content); the tree is otherwise the first parent's. */
  files?: Record<string, string>;
  /** Files to delete in this commit. */
  deletes?: string[];
  message?: string;
}

/** Build `dag` into a bare repository `<parent>/<name>.git`; returns the commit shas by index. */
export function buildDagRepo(parent: string, name: string, dag: readonly DagCommit[]): { dir: string; shas: string[] } {
  const dir = path.join(parent, `${name}.git`);
  mkdirSync(dir, { recursive: true });
  execFileSync("git", ["init", "-q", "--bare", dir], { env: gitEnv() });
  const lines: string[] = [];
  dag.forEach((c, i) => {
    const message = c.message ?? `commit ${i}`;
    lines.push(`commit refs/heads/c${i}`, `mark :${i + 1}`);
    lines.push(`author A U Thor <a@example.invalid> ${c.time} +0000`, `committer C O Mitter <c@example.invalid> ${c.time} +0000`);
    lines.push(`data ${Buffer.byteLength(message)}`, message);
    c.parents.forEach((p, k) => lines.push(`${k === 0 ? "from" : "merge"} :${p + 1}`));
    for (const file of c.deletes ?? []) lines.push(`D ${file}`);
    for (const [file, content] of Object.entries(c.files ?? {})) lines.push(`M 100644 inline ${file}`, `data ${Buffer.byteLength(content)}`, content);
    lines.push("");
  });
  lines.push("done", "");
  execFileSync("git", ["fast-import", "--quiet", "--done"], { cwd: dir, env: gitEnv({ GIT_DIR: dir }), input: lines.join("\n") });
  const shas = dag.map((_, i) => execFileSync("git", ["rev-parse", `refs/heads/c${i}`], { cwd: dir, env: gitEnv({ GIT_DIR: dir }), encoding: "utf8" }).trim());
  return { dir, shas };
}

/** `git log --format=%H [options] <tip> [-- paths]` of a bare repository. */
export function gitLogOrder(dir: string, tip: string, options: string[] = [], paths: string[] = []): string[] {
  const out = execFileSync("git", ["log", "--format=%H", ...options, tip, ...(paths.length > 0 ? ["--", ...paths] : [])], { cwd: dir, env: gitEnv({ GIT_DIR: dir }), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return out.split("\n").filter((l) => l !== "");
}
