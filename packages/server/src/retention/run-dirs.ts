// The run directories on disk (SPEC §2: runs/<repo>/<run-id>/, the repo
// possibly grouped), found by walking runs/, and their size in bytes.
import { existsSync, lstatSync, readdirSync } from "node:fs";
import path from "node:path";

export interface RunDirOnDisk {
  repo: string;
  id: string;
  dir: string;
}

function children(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** Every `runs/<repo>/<id>` and `runs/<group>/<repo>/<id>` directory. */
export function listRunDirs(runsDir: string): RunDirOnDisk[] {
  const out: RunDirOnDisk[] = [];
  for (const top of children(runsDir)) {
    const repos = top.endsWith(".git") ? [top] : children(path.join(runsDir, top)).filter((r) => r.endsWith(".git")).map((r) => `${top}/${r}`);
    for (const repo of repos) for (const id of children(path.join(runsDir, repo))) out.push({ repo, id, dir: path.join(runsDir, repo, id) });
  }
  return out;
}

/** Bytes of the files under `p` (symlinks counted as themselves, never followed). */
export function diskBytes(p: string): number {
  if (!existsSync(p)) return 0;
  const st = lstatSync(p);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of readdirSync(p)) total += diskBytes(path.join(p, e));
  return total;
}
