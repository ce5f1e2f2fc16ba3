// `quire ci validate` and `quire ci run` (declared in ./commands/ci.ts),
// upstream quire's spellings for working on the checkout you are in: they run
// the quire-ci program's `check` and `run` (the server never imports its
// code), with the terminal as their output, from the current directory.
import { spawn } from "node:child_process";
import { defaultExecutor } from "../runs/spawn.js";
import type { CliContext, CommandRun } from "./context.js";

function runQuireCi(ctx: CliContext, args: string[]): Promise<number> {
  const { command, args: prefix } = defaultExecutor();
  return new Promise((resolve) => {
    const child = spawn(command, [...(prefix ?? []), ...args], {
      cwd: ctx.cwd,
      env: ctx.env,
      // Output streams straight through when they are the process's own; a test's streams get piped.
      stdio: ["ignore", ctx.stdout === process.stdout ? "inherit" : "pipe", ctx.stderr === process.stderr ? "inherit" : "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => ctx.stdout.write(d));
    child.stderr?.on("data", (d: Buffer) => ctx.stderr.write(d));
    child.on("error", (e) => {
      ctx.stderr.write(`quire ci: cannot start quire-ci: ${e.message}\n`);
      resolve(1);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function shaArgs(ctx: CliContext): string[] {
  const sha = ctx.input.string("sha");
  return sha === undefined ? [] : ["--sha", sha];
}

/** `quire ci validate [--sha SHA]`: `quire-ci check`. */
export const ciValidate: CommandRun = async (ctx) => runQuireCi(ctx, ["check", ...shaArgs(ctx)]);

/** `quire ci run [--sha SHA] [--dirty] [-j N]`: `quire-ci run`. */
export const ciRun: CommandRun = async (ctx) => {
  const jobs = ctx.input.int("jobs");
  return runQuireCi(ctx, ["run", ...shaArgs(ctx), ...(ctx.input.flag("dirty") ? ["--dirty"] : []), ...(jobs === undefined ? [] : ["-j", String(jobs)])]);
};
