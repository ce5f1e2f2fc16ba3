// Errors of git hosting: bad repository names, refused `quire exec` strings,
// failed git commands. Each carries the offending value and what to do.

/** A repository name broke the rules of SPEC §3; `problems` lists every rule it broke. */
export class RepoNameError extends Error {
  readonly input: string;
  readonly problems: string[];
  constructor(input: string, problems: string[]) {
    super(`invalid repository name ${JSON.stringify(input)}: ${problems.join("; ")}`);
    this.name = "RepoNameError";
    this.input = input;
    this.problems = problems;
  }
}

/** A repository that must exist does not. */
export class RepoNotFoundError extends Error {
  readonly repo: string;
  constructor(repo: string, message?: string) {
    super(message ?? `no repository ${JSON.stringify(repo)}: create it first with \`quire repo new ${repo}\``);
    this.name = "RepoNotFoundError";
    this.repo = repo;
  }
}

/** `quire repo new` for a name that is already taken. */
export class RepoExistsError extends Error {
  readonly repo: string;
  constructor(repo: string) {
    super(`repository ${JSON.stringify(repo)} already exists: pick another name, or remove it with \`quire repo rm ${repo}\``);
    this.name = "RepoExistsError";
    this.repo = repo;
  }
}

/** A command string given to `quire exec` that the allowlist refuses. */
export class ExecRefusedError extends Error {
  readonly command: string;
  constructor(command: string, reason: string) {
    super(reason);
    this.name = "ExecRefusedError";
    this.command = command;
  }
}

/** A git subprocess that exited non-zero; `stderr` holds what it said. */
export class GitCommandError extends Error {
  readonly args: string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(args: string[], exitCode: number | null, stderr: string) {
    super(`git ${args.join(" ")} failed (exit ${exitCode ?? "signal"}): ${stderr.trim() || "no output"}`);
    this.name = "GitCommandError";
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
