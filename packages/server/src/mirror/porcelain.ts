// Reading `git push --porcelain`: one line per ref, `<flag>\t<from>:<to>\t<summary>`,
// into per-ref results. A rejection the target's history causes (non-fast-forward,
// fetch first, a moved tag) is `diverged`: a human must reconcile it.

export type RefPushStatus = "pushed" | "up-to-date" | "deleted" | "diverged" | "rejected" | "skipped";

export interface RefPushResult {
  ref: string;
  status: RefPushStatus;
  /** git's summary (`a1b2c3..d4e5f6`, `[new branch]`, `[rejected] (fetch first)`), or why it was skipped. */
  detail: string;
}

// Rejections that only a person can resolve: quire never forces.
const DIVERGED = /\((non-fast-forward|fetch first|already exists|stale info)\)/;

/** Per-ref results from `git push --porcelain` stdout; lines that are not ref lines are ignored. */
export function parsePorcelain(stdout: string): RefPushResult[] {
  const results: RefPushResult[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^([ +\-*!=])\t([^\t]*):([^\t]+)\t(.*)$/.exec(line);
    if (m === null) continue;
    const [, flag, , to, summary] = m as unknown as [string, string, string, string, string];
    let status: RefPushStatus;
    if (flag === "=") status = "up-to-date";
    else if (flag === "-") status = "deleted";
    else if (flag === "!") status = DIVERGED.test(summary) ? "diverged" : "rejected";
    else status = "pushed";
    results.push({ ref: to, status, detail: summary.trim() });
  }
  return results;
}
