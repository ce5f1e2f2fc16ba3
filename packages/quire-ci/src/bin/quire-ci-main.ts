// The main part of the quire-ci program, which its entry (quire-ci.ts) loads
// after the arguments are read and, in server mode, once the bootstrap
// request is out: the `run`, `check` and help modes, the rest of server mode,
// and stopping the sh process groups on a signal.
import { main as checkMain } from "../cli/check.js";
import { main as runMain } from "../cli/run.js";
import { QuireCiError } from "../errors.js";

export { runServer as runServerWithBootstrap } from "../cli/server-run.js";
export { killAllGroups } from "../runtime/launcher.js";

const USAGE = `quire-ci: runs one pipeline (.quire/ci.fnl)

  quire-ci run [DIR] [--out-dir DIR] [--events FILE] [-j N]   run a checkout's pipeline locally
  quire-ci check [DIR]                                         compile, validate, print the job graph
  quire-ci --events FILE --out-dir DIR                         server mode (QUIRE__SERVER_URL, QUIRE__RUN_TOKEN; cwd = workspace)`;

/** Every mode but server mode: a subcommand, or help. */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "run") return runMain(rest);
  if (first === "check") return checkMain(rest);
  if (first === "help" || first === "--help" || first === "-h") {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  throw new QuireCiError(`unknown command ${JSON.stringify(first)}\n\n${USAGE}`);
}
