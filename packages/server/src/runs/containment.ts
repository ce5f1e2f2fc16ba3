// How a run's processes are held together so that none outlives the run
// (the `local` launcher): quire-ci runs as the init of its own PID namespace
// (`unshare --pid --fork --kill-child`), so when quire-ci dies, however it
// died, the kernel kills every process the run started, background and
// setsid() ones included. Probed once; where namespaces cannot be made the
// run falls back to process groups, and `quire serve` says so at start.
import { spawnSync } from "node:child_process";

export type Containment =
  | { kind: "pid-namespace"; /** Put before the executor's command. */ prefix: string[]; description: string }
  | { kind: "process-group"; prefix: []; description: string };

const UNSHARE = ["unshare", "--pid", "--fork", "--kill-child=SIGKILL"];

let probed: Containment | undefined;

function works(prefix: string[]): string | undefined {
  const r = spawnSync(prefix[0]!, [...prefix.slice(1), "--", "true"], { stdio: ["ignore", "ignore", "pipe"], timeout: 5000, encoding: "utf8" });
  if (r.error) return (r.error as NodeJS.ErrnoException).code === "ENOENT" ? "unshare is not installed (util-linux)" : r.error.message;
  return r.status === 0 ? undefined : (r.stderr.trim().split("\n").at(-1) ?? `exit ${r.status}`);
}

/**
 * The containment this machine allows: a PID namespace as root, or inside a
 * user namespace mapped to the current user otherwise; process groups when
 * neither can be made (e.g. user namespaces disabled by the kernel).
 */
export function probeContainment(): Containment {
  if (probed !== undefined) return probed;
  const asRoot = process.getuid?.() === 0;
  const candidates = asRoot ? [UNSHARE] : [[...UNSHARE.slice(0, 1), "--user", "--map-current-user", ...UNSHARE.slice(1)]];
  const failures: string[] = [];
  for (const prefix of candidates) {
    const problem = works(prefix);
    if (problem === undefined) {
      probed = { kind: "pid-namespace", prefix: [...prefix, "--"], description: `each run in its own PID namespace (${prefix.join(" ")})` };
      return probed;
    }
    failures.push(problem);
  }
  probed = {
    kind: "process-group",
    prefix: [],
    description:
      `each run in its own process group only: a PID namespace could not be made (${failures.join("; ")}); ` +
      "a process a pipeline moves out of its process group can outlive its run",
  };
  return probed;
}

/** No containment beyond process groups (tests of the fallback). */
export const PROCESS_GROUP_ONLY: Containment = { kind: "process-group", prefix: [], description: "each run in its own process group only (chosen)" };
