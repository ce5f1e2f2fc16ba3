// How the sh commands of a `:network false` job run without a network: each
// in a new network namespace (a loopback device only, and it is down), made
// with util-linux `unshare`. Probed once per quire-ci process: plain
// `unshare --net` where quire-ci may (root with its capabilities), else inside
// a new user namespace mapped to the current user (an unprivileged process,
// and inside the bwrap sandbox). Where neither works the command is refused:
// never run with a network it was told not to have.
import { spawnSync } from "node:child_process";

const CANDIDATES: string[][] = [
  ["unshare", "--net", "--"],
  ["unshare", "--user", "--map-current-user", "--net", "--"],
];

let probed: { prefix: string[] } | { problem: string } | undefined;

/** The argv prefix that runs a command without a network, or why none can be made here. */
export function noNetworkPrefix(): { prefix: string[] } | { problem: string } {
  if (probed !== undefined) return probed;
  const problems: string[] = [];
  for (const prefix of CANDIDATES) {
    const r = spawnSync(prefix[0]!, [...prefix.slice(1), "true"], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 5000 });
    if (r.error === undefined && r.status === 0) return (probed = { prefix });
    const why = r.error !== undefined ? ((r.error as NodeJS.ErrnoException).code === "ENOENT" ? "unshare is not installed (util-linux)" : r.error.message) : r.stderr.trim().split("\n").at(-1);
    problems.push(`${prefix.slice(0, -1).join(" ")}: ${why || `exit ${r.status}`}`);
  }
  return (probed = { problem: `no network namespace can be made here (${problems.join("; ")})` });
}
