// `quire` command-line entry: global flags, then dispatch to one module per
// subcommand in this folder.
import { resolveDataDir, dataPaths } from "../config/data-dir.js";
import { UsageError, type CliContext, type Command } from "./context.js";

// Subcommands load on use: the post-receive hook runs on every push and must
// not pay for the server's modules (HTTP, SQLite, the Lua VM) it never touches.
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  serve: { load: async () => (await import("./serve.js")).serveCommand, summary: "run the server (HTTP, push socket, run queue)" },
  repo: { load: async () => (await import("./repo.js")).repoCommand, summary: "new | list | rm | hooks repositories" },
  ci: { load: async () => (await import("./ci.js")).ciCommand, summary: "runs | show | cancel | retry CI runs" },
  hook: { load: async () => (await import("./hook.js")).hookCommand, summary: "git hook entry points (post-receive)" },
  exec: { load: async () => (await import("./exec.js")).execCommand, summary: "SSH ForceCommand target: run an allowed command" },
};

function usage(): string {
  const lines = ["usage: quire [--data-dir DIR] <command> [args…]", "", "commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push("", "The data directory is --data-dir, else $QUIRE_DATA_DIR, else $XDG_DATA_HOME/quire (~/.local/share/quire).");
  return lines.join("\n") + "\n";
}

/** Parse global flags; `--data-dir` may appear before or after the subcommand. */
export function splitGlobalFlags(argv: string[]): { dataDir: string | undefined; rest: string[] } {
  let dataDir: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === "--data-dir") {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("-")) throw new UsageError("--data-dir needs a directory: --data-dir DIR");
      dataDir = v;
      i++;
    } else if (a.startsWith("--data-dir=")) {
      dataDir = a.slice("--data-dir=".length);
    } else rest.push(a);
  }
  return { dataDir, rest };
}

export interface MainIo {
  stdout: NodeJS.WritableStream & CliContext["stdout"];
  stderr: NodeJS.WritableStream & CliContext["stderr"];
  env: NodeJS.ProcessEnv;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[], io: MainIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  try {
    const { dataDir, rest } = splitGlobalFlags(argv);
    const [name, ...args] = rest;
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      (name === undefined ? io.stderr : io.stdout).write(usage());
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (command === undefined) {
      io.stderr.write(`quire: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
      return 2;
    }
    const paths = dataPaths(resolveDataDir(dataDir, io.env));
    const run = await command.load();
    return await run({ args, paths, stdout: io.stdout, stderr: io.stderr, env: io.env });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`quire: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`quire: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
