#!/usr/bin/env node
// The quire-ci program: `run` and `check` for a local checkout, and server
// mode (no subcommand) as `quire serve` spawns it. Each mode is loaded lazily
// so a mode pays only for what it uses.
import { QuireCiError } from "../errors.js";

const USAGE = `quire-ci: runs one pipeline (.quire/ci.fnl)

  quire-ci run [DIR] [--out-dir DIR] [--events FILE] [-j N]   run a checkout's pipeline locally
  quire-ci check [DIR]                                         compile, validate, print the job graph
  quire-ci --events FILE --out-dir DIR                         server mode (QUIRE__SERVER_URL, QUIRE__RUN_TOKEN; cwd = workspace)`;

async function dispatch(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "run") return (await import("../cli/run.js")).main(rest);
  if (first === "check") return (await import("../cli/check.js")).main(rest);
  if (first === "help" || first === "--help" || first === "-h") {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (first !== undefined && !first.startsWith("-")) throw new QuireCiError(`unknown command ${JSON.stringify(first)}\n\n${USAGE}`);
  return (await import("../cli/server.js")).main(argv);
}

// Stop the processes of every sh call when told to stop (supersede, Ctrl-C):
// sh calls run in their own process groups, which a signal to ours misses.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => {
    void import("../runtime/launcher.js").then((m) => {
      m.killAllGroups("SIGKILL");
      process.exit(128 + (signal === "SIGTERM" ? 15 : signal === "SIGINT" ? 2 : 1));
    });
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
