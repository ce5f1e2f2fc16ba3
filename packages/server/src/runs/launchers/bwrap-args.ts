// The bwrap sandbox of one run, as bwrap arguments (the launcher is
// bwrap.ts; docs/deploy.md). It sees its workspace (read-write, at
// /workspace), its run directory (read-write, at /quire/run: events and logs),
// a private /tmp and $HOME, the system directories and /etc read-only, and
// quire-ci with the Node runtime read-only at their own paths; nothing else
// of the host. Own PID, IPC and UTS namespaces; dies with its parent; shares
// the host network. As root the run drops to an unprivileged user inside.
import { existsSync, lchownSync, lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";

/** Where the run's parts are inside the sandbox. */
export const SANDBOX_WORKSPACE = "/workspace";
export const SANDBOX_RUN_DIR = "/quire/run";
export const SANDBOX_HOME = "/home/quire";

/** Top-level system paths: bound read-only, or re-made as symlinks where the host has symlinks (merged /usr). */
const SYSTEM_PATHS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

export interface SandboxUser {
  uid: number;
  gid: number;
}

export interface BwrapSpec {
  workspace: string;
  runDir: string;
  /** Host paths bound read-only at the same path (quire-ci, Node, :sandbox-binds). */
  readOnly: string[];
  /** Set when bwrap runs as root: the run's processes become this user. */
  user: SandboxUser | undefined;
  /** The command inside the sandbox. */
  command: string[];
}

function systemBinds(): string[] {
  const args: string[] = [];
  for (const p of SYSTEM_PATHS) {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(p), p);
    else if (st.isDirectory()) args.push("--ro-bind", p, p);
  }
  // /etc/resolv.conf may point outside /etc (systemd-resolved): bind what it points at.
  try {
    const resolv = realpathSync("/etc/resolv.conf");
    if (!resolv.startsWith("/etc/") && !resolv.startsWith("/usr/")) args.push("--ro-bind-try", resolv, resolv);
  } catch {
    // No resolver configuration: DNS fails inside as it does outside.
  }
  return args;
}

/**
 * `--dir` for every directory above `targets` that bwrap would otherwise make
 * itself, as 0700 and so closed to an unprivileged sandbox user. Directories
 * inside `hostTrees` (bound whole from the host) are there already; the
 * `mounts` themselves are (empty tmpfs and the like), but what lies under
 * them is not: a checkout under /tmp or /home needs its parents made.
 */
export function parentDirs(targets: string[], hostTrees: string[], mounts: string[]): string[] {
  const dirs = new Set<string>();
  for (const t of targets) {
    for (let d = path.posix.dirname(t); d !== "/"; d = path.posix.dirname(d)) {
      if (mounts.includes(d) || hostTrees.some((p) => d === p || d.startsWith(p + "/"))) break;
      dirs.add(d);
    }
  }
  return [...dirs].sort((a, b) => a.split("/").length - b.split("/").length).flatMap((d) => ["--perms", "0755", "--dir", d]);
}

/** bwrap's arguments (after `bwrap`, up to and including the command) for one run. */
export function bwrapArgs(spec: BwrapSpec): string[] {
  const args = [
    "--die-with-parent",
    "--new-session",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--hostname",
    "quire-run",
  ];
  // Unprivileged bwrap needs a user namespace; as root it keeps the two capabilities setpriv needs to drop to the user.
  if (spec.user === undefined) args.push("--unshare-user");
  else args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID");
  args.push(...systemBinds());
  args.push("--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp", "--perms", "1777", "--tmpfs", "/dev/shm");
  args.push("--perms", "0755", "--tmpfs", "/home", "--perms", "1777", "--tmpfs", SANDBOX_HOME);
  args.push(...parentDirs([...spec.readOnly, SANDBOX_RUN_DIR], ["/usr", "/etc"], ["/tmp", "/home", SANDBOX_HOME, "/proc", "/dev"]));
  for (const p of spec.readOnly) args.push("--ro-bind", p, p);
  args.push("--bind", spec.workspace, SANDBOX_WORKSPACE, "--bind", spec.runDir, SANDBOX_RUN_DIR, "--chdir", SANDBOX_WORKSPACE);
  args.push("--");
  if (spec.user !== undefined) {
    args.push("setpriv", `--reuid=${spec.user.uid}`, `--regid=${spec.user.gid}`, "--clear-groups", "--inh-caps=-all", "--");
  }
  args.push(...spec.command);
  return args;
}

/** The environment inside: nothing of the server's but PATH and the locale. */
export function sandboxEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin",
    HOME: SANDBOX_HOME,
    TMPDIR: "/tmp",
  };
  for (const k of ["LANG", "LC_ALL", "TZ"]) if (base[k] !== undefined) env[k] = base[k];
  return env;
}

/** Give `dir` and everything under it to `user` (not following symlinks). */
export function chownTree(dir: string, user: SandboxUser): void {
  lchownSync(dir, user.uid, user.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    lchownSync(path.join(entry.parentPath, entry.name), user.uid, user.gid);
  }
}

/** The path of `file` (inside `runDir`) as the sandbox sees it. */
export function inSandboxRunDir(runDir: string, file: string): string {
  const rel = path.relative(runDir, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) throw new RangeError(`${file} is not inside the run directory ${runDir}`);
  return path.posix.join(SANDBOX_RUN_DIR, rel.split(path.sep).join("/"));
}

/** Lines the sandbox's own set-up writes when it cannot start (bwrap, setpriv, prlimit, the cgroup step). */
const SETUP_LINE = /^(bwrap|setpriv|prlimit|quire sandbox|sh: \d+: cannot create [^\n]*cgroup\.procs)[:\s]/;

/**
 * What the sandbox said when it could not start, from the log text it wrote
 * before quire-ci ran; undefined when the text is quire-ci's own.
 */
export function sandboxSetupFailure(logText: string): string | undefined {
  const lines = logText.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0 || !SETUP_LINE.test(lines[0]!)) return undefined;
  return lines.slice(0, 5).join("\n").slice(0, 2000);
}

/** True when `name` is an executable file on PATH. */
export function onPath(name: string, envPath = process.env.PATH ?? ""): boolean {
  return envPath.split(path.delimiter).some((dir) => dir !== "" && existsSync(path.join(dir, name)));
}
