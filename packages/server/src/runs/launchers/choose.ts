// Which launcher runs take (docs/deploy.md): the global :launcher, else
// `bwrap` wherever bwrap is on PATH and `local` elsewhere; a repository's
// own `.quire/config.fnl` may ask for another, but never for less isolation
// than the server's (it may go remote or into the sandbox, not out of it).
import { spawnSync } from "node:child_process";
import { bwrapLauncher } from "./bwrap.js";
import { onPath, type SandboxUser } from "./bwrap-args.js";
import type { HostLauncher, HostLauncherName, LauncherName } from "./launcher.js";
import type { RunLimits } from "./limits.js";
import { localLauncher } from "./local.js";

/** The launcher when config.fnl names none: bwrap if it is on PATH. */
export function defaultLauncherName(envPath = process.env.PATH): LauncherName {
  return onPath("bwrap", envPath) ? "bwrap" : "local";
}

/** A user name or number as uid and gid (`id -u`/`id -g`). Throws naming what to fix. */
export function resolveSandboxUser(spec: string | number): SandboxUser {
  const name = String(spec);
  const id = (flag: string) => {
    const r = spawnSync("id", [flag, name], { encoding: "utf8" });
    const n = Number(r.stdout?.trim());
    if (r.status !== 0 || !Number.isInteger(n)) throw new Error(`:sandbox-user ${JSON.stringify(name)} names no user on this host (id ${flag} ${name}: ${r.stderr?.trim() || `exit ${r.status}`})`);
    return n;
  };
  const user = { uid: id("-u"), gid: id("-g") };
  if (user.uid === 0) throw new Error(`:sandbox-user ${JSON.stringify(name)} is root; name an unprivileged user such as "nobody"`);
  return user;
}

export interface HostLauncherConfig {
  limits: RunLimits;
  /** :sandbox-user, used when the server runs as root. */
  sandboxUser: string | number;
  /** :sandbox-binds. */
  sandboxBinds: string[];
  /** Process containment (containment.ts): put before quire-ci by `local`, before bwrap by `bwrap`. */
  localPrefix?: string[];
}

/** The host launcher named `name`. Throws when its configuration is unusable. */
export function hostLauncher(name: HostLauncherName, config: HostLauncherConfig): HostLauncher {
  if (name === "local") return localLauncher({ prefix: config.localPrefix });
  const asRoot = process.getuid?.() === 0;
  return bwrapLauncher({
    limits: config.limits,
    user: asRoot ? resolveSandboxUser(config.sandboxUser) : undefined,
    readOnly: config.sandboxBinds,
    prefix: config.localPrefix,
  });
}

/** How isolated each launcher keeps a run: a repository may only move up, or to a runner. */
const ISOLATION: Record<LauncherName, number> = { local: 0, bwrap: 1, remote: 1 };

/**
 * The launcher of one run: the server's, unless the repository asks for
 * another that keeps it at least as isolated. `note` says why a request was
 * not followed.
 */
export function chooseLauncher(server: LauncherName, repo: unknown): { launcher: LauncherName; note?: string } {
  if (repo === undefined) return { launcher: server };
  if (repo !== "local" && repo !== "bwrap" && repo !== "remote") {
    return { launcher: server, note: `.quire/config.fnl: :launcher must be "local", "bwrap" or "remote", got ${JSON.stringify(repo)}; using the server's (${server})` };
  }
  if (ISOLATION[repo] < ISOLATION[server]) {
    return { launcher: server, note: `.quire/config.fnl asks for the ${repo} launcher, but a repository may not leave the server's ${server} launcher; using ${server}` };
  }
  return { launcher: repo };
}
