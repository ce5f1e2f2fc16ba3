// The main part of the quire-ci program, which its entry (quire-ci.ts) loads
// after the arguments are read and, in server mode, once the bootstrap
// request is out: the `run` and `check` modes, the rest of server mode, and
// stopping the sh process groups on a signal.
import type { CommandInput } from "@quire/cli-kit";
import { main as checkMain } from "../cli/check.js";
import type { Mode } from "../cli/commands.js";
import { main as runMain } from "../cli/run.js";

export { runServer as runServerWithBootstrap } from "../cli/server-run.js";
export { killAllGroups } from "../runtime/launcher.js";

/** A local mode, with its parsed arguments. */
export async function main(mode: Exclude<Mode, "server">, input: CommandInput): Promise<number> {
  return mode === "run" ? runMain(input) : checkMain(input);
}
