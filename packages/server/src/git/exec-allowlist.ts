// The `quire exec` allowlist (SPEC §3), the security boundary behind sshd's
// ForceCommand: a command string becomes a plan to run, or is refused with a
// reason. Parsing is shell-words.ts; repository checks are repos.ts. `quire
// ci` arguments are checked here too: run ids, job ids, repository names and
// each subcommand's options, nothing else.
import { ExecRefusedError, RepoNameError, RepoNotFoundError } from "./errors.js";
import { parseRepoName } from "./names.js";
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
  "allowed: git-receive-pack|git-upload-pack|git-upload-archive REPO, quire repo …, quire ci runs|show|logs|cancel|retry …, quire mirror push …";

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

/** Why `ref` is not a ref name `quire mirror push` takes over ssh (a conservative set of characters and git's rules), or undefined. */
export function refArgumentProblem(ref: string): string | undefined {
  if (ref === "" || ref.startsWith("-") || ref.startsWith("+")) return `${JSON.stringify(ref)} is not a ref name`;
  if (!/^[A-Za-z0-9._/+@-]+$/.test(ref)) return `ref ${JSON.stringify(ref)} holds a character other than letters, digits and . _ / + @ -`;
  if (ref.includes("..") || ref.includes("@{") || ref.includes("//") || ref.startsWith("/") || ref.endsWith("/") || ref.endsWith(".") || ref === "@") {
    return `ref ${JSON.stringify(ref)} is not a valid ref name`;
  }
  if (ref.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"))) return `ref ${JSON.stringify(ref)} is not a valid ref name`;
  return undefined;
}

/**
 * `quire mirror push REPO [REF] [--json]`: exactly these words. REPO must be
 * an existing repository of the forge (the git services' rules); REF a plain
 * ref name. The plan carries the checked values, normalized.
 */
async function planMirror(command: string, args: string[], reposDir: string): Promise<ExecPlan> {
  const [action, ...rest] = args;
  if (action !== "push") refuse(command, "only `quire mirror push REPO [REF]` is allowed over ssh");
  const flags = rest.filter((a) => a.startsWith("-"));
  const bad = flags.find((f) => f !== "--json" && f !== "--help" && f !== "-h");
  if (bad !== undefined) refuse(command, `quire mirror push: ${JSON.stringify(bad)} is not allowed over ssh (only --json and --help)`);
  const words = rest.filter((a) => !a.startsWith("-"));
  if (flags.some((f) => f === "--help" || f === "-h") && words.length === 0) return { kind: "quire", subcommand: "mirror", args: ["push", ...flags] };
  if (words.length < 1 || words.length > 2) refuse(command, `quire mirror push takes a repository and at most one ref (got ${words.length} words): quire mirror push 'name.git' [refs/heads/main]`);
  let repo: HostedRepo;
  try {
    repo = await openRepo(reposDir, words[0]!);
  } catch (e) {
    if (e instanceof RepoNameError || e instanceof RepoNotFoundError) refuse(command, `quire mirror push: ${e.message}`);
    throw e;
  }
  const ref = words[1];
  const problem = ref === undefined ? undefined : refArgumentProblem(ref);
  if (problem !== undefined) refuse(command, `quire mirror push: ${problem}`);
  return { kind: "quire", subcommand: "mirror", args: ["push", repo.name, ...(ref === undefined ? [] : [ref]), ...flags] };
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
  if (sub === "ci") checkCi(command, rest);
  return { kind: "quire", subcommand: sub as QuireSubcommand, args: rest };
}

type CiArg = "run" | "job" | "repo";

/** What each `quire ci` subcommand may take over ssh: its positionals in order, and its options (true: takes a value). */
const CI_OVER_SSH: Record<string, { positionals: CiArg[]; required: number; options: Record<string, boolean> }> = {
  runs: { positionals: ["repo"], required: 0, options: { "--json": false, "--limit": true } },
  show: { positionals: ["run"], required: 1, options: { "--json": false } },
  logs: { positionals: ["run", "job"], required: 1, options: { "--json": false, "--follow": false, "-f": false } },
  cancel: { positionals: ["run"], required: 1, options: {} },
  retry: { positionals: ["run"], required: 1, options: {} },
  prune: { positionals: [], required: 0, options: { "--json": false, "--dry-run": false } },
};

function checkCiWord(command: string, kind: CiArg, word: string): void {
  if (kind === "run" && !/^[0-9a-f]{1,64}$/.test(word)) {
    refuse(command, `quire ci: ${JSON.stringify(word)} is not a run id (hex digits, as \`quire ci runs\` prints them)`);
  }
  if (kind === "job" && (word.length > 200 || word.startsWith("-") || /[\/\x00-\x1f\x7f]/.test(word))) {
    refuse(command, `quire ci logs: ${JSON.stringify(word)} is not a job id (no "/", no control characters, not starting with "-")`);
  }
  if (kind === "repo") {
    try {
      parseRepoName(word);
    } catch (e) {
      if (e instanceof RepoNameError) refuse(command, `quire ci runs: ${e.message}`);
      throw e;
    }
  }
}

/** `quire ci …` over ssh: only the status and control subcommands, with arguments of the right shape. */
function checkCi(command: string, args: string[]): void {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h") return;
  const spec = CI_OVER_SSH[name];
  // Other names are the declaration's to refuse: unknown ones with a suggestion,
  // local-only ones (validate, run) because they act on the caller's checkout.
  if (spec === undefined) return;
  if (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) return;
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word.startsWith("-")) {
      const [flag, inline] = word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
      if (!(flag in spec.options)) {
        const options = Object.keys(spec.options);
        refuse(command, `quire ci ${name}: option ${JSON.stringify(flag)} is not allowed over ssh${options.length > 0 ? ` (allowed: ${options.join(", ")})` : ""}`);
      }
      if (spec.options[flag] === true) {
        const value = inline ?? rest[++i];
        if (value === undefined || !/^\d{1,6}$/.test(value)) refuse(command, `quire ci ${name}: ${flag} takes a number`);
      } else if (inline !== undefined) {
        refuse(command, `quire ci ${name}: ${flag} takes no value`);
      }
      continue;
    }
    positionals.push(word);
  }
  if (positionals.length > spec.positionals.length) {
    refuse(command, `quire ci ${name} takes at most ${spec.positionals.length} argument(s) (${spec.positionals.join(", ")}), got ${positionals.length}`);
  }
  if (positionals.length < spec.required) refuse(command, `quire ci ${name} needs ${spec.positionals.slice(0, spec.required).join(" and ")}`);
  positionals.forEach((word, i) => checkCiWord(command, spec.positionals[i]!, word));
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
  if (program === "quire") {
    const plan = planQuire(command, args);
    return plan.kind === "quire" && plan.subcommand === "mirror" ? planMirror(command, plan.args, reposDir) : plan;
  }
  return refuse(command, `${JSON.stringify(program)} is not an allowed command; ${ALLOWED_SUMMARY}`);
}
