#!/usr/bin/env node
// The quire-ci program's entry: `run` and `check` for a local checkout, and
// server mode (no subcommand) as `quire serve` spawns it. It is kept small so
// that, in server mode, the bootstrap request leaves before Node reads and
// compiles the rest (quire-ci-main.ts, its own file in the bundle), which then
// takes the request over.
import { startServerRun } from "../cli/server.js";
import { QuireCiError } from "../errors.js";

type MainModule = typeof import("./quire-ci-main.js");

let mainModule: Promise<MainModule> | undefined;
function loadMain(): Promise<MainModule> {
  return (mainModule ??= import("./quire-ci-main.js"));
}

/** No subcommand (flags only, or nothing): server mode. */
function isServerMode(first: string | undefined): boolean {
  return first === undefined || (first.startsWith("-") && first !== "--help" && first !== "-h");
}

async function dispatch(argv: string[]): Promise<number> {
  if (!isServerMode(argv[0])) return (await loadMain()).main(argv);
  const run = await startServerRun(argv);
  return (await loadMain()).runServerWithBootstrap(run);
}

// Stop the processes of every sh call when told to stop (supersede, Ctrl-C):
// sh calls run in their own process groups, which a signal to ours misses.
// Only the main part starts them: before it loads there are none.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => {
    const exit = (): void => process.exit(128 + (signal === "SIGTERM" ? 15 : signal === "SIGINT" ? 2 : 1));
    if (mainModule === undefined) exit();
    else
      void mainModule.then((m) => {
        m.killAllGroups("SIGKILL");
        exit();
      }, exit);
  });
}

dispatch(process.argv.slice(2)).then(
  (code) => {
    // Done and flushed (on Linux, stdout and stderr writes to files and pipes
    // are synchronous): exit now rather than when the last socket or helper pipe closes,
    // since the server judges the run when this process exits.
    process.exit(code);
  },
  (e: unknown) => {
    if (e instanceof QuireCiError) {
      process.stderr.write(`quire-ci: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`quire-ci: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
