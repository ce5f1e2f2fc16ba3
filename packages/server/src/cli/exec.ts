// `quire exec "<command>"` (declared in ./commands/exec.ts): the target of
// sshd's ForceCommand. The allowlist (../git/exec-allowlist.ts) decides; this
// file runs the plan: git services as a child with the ssh channel as its
// stdio, quire subcommands in-process through the same declaration.
import { spawn } from "node:child_process";
import { ExecRefusedError } from "../git/errors.js";
import { planExec } from "../git/exec-allowlist.js";
import type { CliContext, CommandRun } from "./context.js";

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

/** `quire exec COMMAND`. */
export const exec: CommandRun = async (ctx) => {
  const command = ctx.input.arg("command")!;
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
  // The same declaration as the local command line, without global options
  // (the data directory stays the ForceCommand's) and without local-only commands.
  return ctx.dispatch([plan.subcommand, ...plan.args], { viaSsh: true });
};
