// `quire exec "<command>"`: the target of sshd's ForceCommand. The allowlist
// (../git/exec-allowlist.ts) decides; this file runs the plan: git services
// as a child with the ssh channel as its stdio, quire subcommands in-process.
import { spawn } from "node:child_process";
import { ExecRefusedError } from "../git/errors.js";
import { planExec } from "../git/exec-allowlist.js";
import { UsageError, type Command, type CliContext } from "./context.js";

function runGitService(ctx: CliContext, service: string, dir: string): Promise<number> {
  return new Promise((resolve) => {
    // `git receive-pack DIR`: argv only, no shell; the hook finds the data dir in the env.
    const child = spawn("git", [service.slice("git-".length), dir], {
      stdio: "inherit",
      env: { ...ctx.env, QUIRE_DATA_DIR: ctx.paths.dataDir },
    });
    child.on("error", (e) => {
      ctx.stderr.write(`quire exec: cannot start git: ${e.message}\n`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export const execCommand: Command = async (ctx) => {
  if (ctx.args.length !== 1) {
    throw new UsageError('quire exec takes the whole command as one argument: quire exec "$SSH_ORIGINAL_COMMAND"');
  }
  const command = ctx.args[0]!;
  let plan;
  try {
    plan = await planExec(command, ctx.paths.repos);
  } catch (e) {
    if (e instanceof ExecRefusedError) {
      ctx.stderr.write(`quire: refused: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (plan.kind === "git") return runGitService(ctx, plan.service, plan.repo.dir);
  const sub = { ...ctx, args: plan.args };
  switch (plan.subcommand) {
    // Loaded on use, like main.ts: a git service must not wait for the database and VM modules.
    case "repo":
      return (await import("./repo.js")).repoCommand(sub);
    case "ci":
      return (await import("./ci.js")).ciCommand(sub);
    case "mirror":
      ctx.stderr.write("quire mirror push: not implemented yet\n");
      return 1;
  }
};
