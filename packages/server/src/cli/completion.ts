// `quire completion SHELL` prints a completion script; the hidden
// `quire __complete -- WORDS…` answers the script at each TAB, from the same
// declaration that parses the command line (./commands/program.ts).
import { completeWords, completionScript, formatCompletion, type Shell } from "@quire/cli-kit";
import { resolveDataDir, dataPaths } from "../config/data-dir.js";
import type { CommandRun } from "./context.js";

/** `quire completion bash|zsh|fish`. */
export const completion: CommandRun = async (ctx) => {
  ctx.stdout.write(completionScript(ctx.program, ctx.input.arg("shell") as Shell));
  return 0;
};

/** `quire __complete -- WORDS…`: candidates for the last word. */
export const complete: CommandRun = async (ctx) => {
  const words = [...ctx.input.args("words")];
  if (words[0] === "--") words.shift();
  const result = await completeWords(ctx.program, words, async (kind, globals) => {
    if (kind !== "repo") return [];
    const paths = dataPaths(resolveDataDir(globals.get("data-dir"), ctx.env));
    const { listRepos } = await import("../git/repos.js");
    return (await listRepos(paths.repos)).map((r) => r.name);
  });
  ctx.stdout.write(formatCompletion(result));
  return 0;
};
