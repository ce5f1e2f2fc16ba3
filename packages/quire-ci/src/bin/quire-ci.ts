#!/usr/bin/env node
// The quire-ci program's entry: parses argv against the declaration
// (../cli/commands.ts), answers help and the version, and runs a mode: `run`
// and `check` for a local checkout, and server mode (no command word) as
// `quire serve` spawns it. It is kept small so that, in server mode, the
// bootstrap request leaves before Node reads and compiles the rest
// (quire-ci-main.ts, its own file in the bundle), which then takes it over.
import { readFileSync } from "node:fs";
import v8 from "node:v8";
import { parseCommandLine, renderHelp, UsageError } from "@quire/cli-kit";
import { quireCiProgram } from "../cli/commands.js";
import { startServerRun } from "../cli/server.js";
import { QuireCiError } from "../errors.js";

// The Lua VM (WebAssembly) runs on V8's baseline compiler only. By default
// V8 recompiles the hot parts of the Lua interpreter with its optimizing
// compiler on background threads as a run goes on; for the little Lua a
// pipeline runs, that costs more CPU than it saves: about 0.2 s per run and
// 2 to 4 ms per sh call here (bench/launcher-bench.mjs), and a loop of 40
// million Lua iterations still finished sooner without it. Set before the main
// part (which loads the VM) is imported.
v8.setFlagsFromString("--liftoff-only");

type MainModule = typeof import("./quire-ci-main.js");

let mainModule: Promise<MainModule> | undefined;
function loadMain(): Promise<MainModule> {
  return (mainModule ??= import("./quire-ci-main.js"));
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const program = quireCiProgram(version());
  const parsed = parseCommandLine(program, argv);
  if (parsed.kind === "version") {
    process.stdout.write(`quire-ci ${program.version}\n`);
    return 0;
  }
  if (parsed.kind === "help") {
    (parsed.requested ? process.stdout : process.stderr).write(renderHelp(program, parsed.path));
    return parsed.requested ? 0 : 2;
  }
  const mode = await parsed.command.load!();
  if (mode !== "server") return (await loadMain()).main(mode, parsed.input);
  const run = await startServerRun(parsed.input);
  return (await loadMain()).runServerWithBootstrap(run);
}

// quire-ci's own output (quire-ci.log in server mode) may meet a full disk:
// losing a diagnostic line must not crash the run, which reports the problem itself.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

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
    if (e instanceof UsageError) {
      const at = e.commandPath.length > 0 ? e.commandPath.join(" ") : "quire-ci";
      process.stderr.write(`quire-ci: ${e.message}\n(see \`${at} --help\`)\n`);
      process.exitCode = 2;
    } else if (e instanceof QuireCiError) {
      process.stderr.write(`quire-ci: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`quire-ci: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
