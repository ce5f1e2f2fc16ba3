// The `quire exec` allowlist (SPEC §3), the security boundary behind sshd's
// ForceCommand: a command string becomes a plan to run, or is refused with a
// reason. Parsing is shell-words.ts; repository checks are repos.ts.
import { ExecRefusedError, RepoNameError, RepoNotFoundError } from "./errors.js";
import { openRepo, type HostedRepo } from "./repos.js";
import { parseShellWords, ShellWordsError } from "./shell-words.js";

export const GIT_SERVICES = ["git-receive-pack", "git-upload-pack", "git-upload-archive"] as const;
export type GitService = (typeof GIT_SERVICES)[number];

export const QUIRE_SUBCOMMANDS = ["repo", "ci", "mirror"] as const;
export type QuireSubcommand = (typeof QUIRE_SUBCOMMANDS)[number];

export type ExecPlan =
  | { kind: "git"; service: GitService; repo: HostedRepo }
  | { kind: "quire"; subcommand: QuireSubcommand; args: string[] };

const ALLOWED_SUMMARY =
  "allowed: git-receive-pack|git-upload-pack|git-upload-archive REPO, quire repo …, quire ci …, quire mirror push …";

function refuse(command: string, reason: string): never {
  throw new ExecRefusedError(command, reason);
}

async function planGit(command: string, service: GitService, args: string[], reposDir: string): Promise<ExecPlan> {
  if (args.length !== 1) {
    refuse(command, `${service} takes exactly one argument, the repository (got ${args.length}): ${service} 'name.git'`);
  }
  const target = args[0]!;
  if (target.startsWith("-")) refuse(command, `${service}: ${JSON.stringify(target)} looks like an option; only a repository name is allowed`);
  // ssh://host/name.git URLs send "/name.git": one leading slash names a repository
  // of the forge, never a path of the machine (the rest must pass the name rules).
  const name = target.startsWith("/") && !target.startsWith("//") ? target.slice(1) : target;
  try {
    return { kind: "git", service, repo: await openRepo(reposDir, name) };
  } catch (e) {
    if (e instanceof RepoNameError || e instanceof RepoNotFoundError) refuse(command, `${service}: ${e.message}`);
    throw e;
  }
}

function planQuire(command: string, args: string[]): ExecPlan {
  const [sub, ...rest] = args;
  if (sub === undefined) refuse(command, `quire needs a subcommand; ${ALLOWED_SUMMARY}`);
  if (!(QUIRE_SUBCOMMANDS as readonly string[]).includes(sub)) {
    refuse(command, `quire ${JSON.stringify(sub)} is not allowed over ssh; ${ALLOWED_SUMMARY}`);
  }
  // The data directory is fixed by the ForceCommand; a client may not pick another.
  const flag = rest.find((a) => a === "--data-dir" || a.startsWith("--data-dir="));
  if (flag !== undefined) refuse(command, `${JSON.stringify(flag)} is not allowed over ssh: the data directory is fixed by the server`);
  if (sub === "mirror" && rest[0] !== "push") refuse(command, "only `quire mirror push REPO REF` is allowed over ssh");
  return { kind: "quire", subcommand: sub as QuireSubcommand, args: rest };
}

/**
 * Decide what `quire exec COMMAND` may run. Resolves to a plan, or throws
 * ExecRefusedError naming the reason. Never runs anything itself.
 */
export async function planExec(command: string, reposDir: string): Promise<ExecPlan> {
  let words: string[];
  try {
    words = parseShellWords(command);
  } catch (e) {
    if (e instanceof ShellWordsError) refuse(command, `cannot parse the command at character ${e.index + 1}: ${e.message}`);
    throw e;
  }
  const [program, ...args] = words;
  if (program === undefined) refuse(command, `no command given; this account serves git only (${ALLOWED_SUMMARY})`);
  if ((GIT_SERVICES as readonly string[]).includes(program)) return planGit(command, program as GitService, args, reposDir);
  if (program === "quire") return planQuire(command, args);
  return refuse(command, `${JSON.stringify(program)} is not an allowed command; ${ALLOWED_SUMMARY}`);
}
