// `quire` command-line entry: parses argv against the declaration in
// ./commands/program.ts, prints help or the version, or loads the one
// command's implementation and runs it. Implementations load on use: the
// post-receive hook runs on every push and must not pay for the server's
// modules (HTTP, SQLite, the Lua VM) it never touches.
import { readFileSync } from "node:fs";
import { parseCommandLine, renderHelp, UsageError, type ProgramSpec } from "@quire/cli-kit";
import { resolveDataDir, dataPaths, type DataPaths } from "../config/data-dir.js";
import { LOCAL_ONLY, quireProgram } from "./commands/program.js";
import type { CliContext, CommandRun } from "./context.js";

export interface MainIo {
  stdout: CliContext["stdout"];
  stderr: CliContext["stderr"];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

interface Session {
  program: ProgramSpec<CommandRun>;
  io: MainIo;
  /** Fixed by the outer command line when dispatching for `quire exec`. */
  paths?: DataPaths;
}

async function dispatch(session: Session, argv: readonly string[], viaSsh: boolean): Promise<number> {
  const { program, io } = session;
  const parsed = parseCommandLine(program, argv, { globals: !viaSsh });
  if (parsed.kind === "version") {
    io.stdout.write(`quire ${program.version}\n`);
    return 0;
  }
  if (parsed.kind === "help") {
    (parsed.requested ? io.stdout : io.stderr).write(renderHelp(program, parsed.path));
    return parsed.requested ? 0 : 2;
  }
  if (viaSsh && parsed.command.tags?.includes(LOCAL_ONLY)) {
    throw new UsageError(`${parsed.input.command} works on a local checkout; it is not available over ssh`);
  }
  const paths = session.paths ?? dataPaths(resolveDataDir(parsed.globals.get("data-dir") as string | undefined, io.env));
  const run = await parsed.command.load!();
  return run({
    input: parsed.input,
    paths,
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    cwd: io.cwd ?? process.cwd(),
    program,
    dispatch: (inner, { viaSsh: ssh }) => dispatch({ ...session, paths }, inner, ssh),
  });
}

/** Run the CLI; resolves to the exit code (0 ok, 1 failed, 2 bad command line). */
export async function main(argv: string[], io: MainIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const program = quireProgram(version());
  try {
    return await dispatch({ program, io }, argv, false);
  } catch (e) {
    if (e instanceof UsageError) {
      const at = e.commandPath.length > 0 ? e.commandPath.join(" ") : "quire";
      io.stderr.write(`quire: ${e.message}\n(see \`${at} --help\`)\n`);
      return 2;
    }
    io.stderr.write(`quire: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
