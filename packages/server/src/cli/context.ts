// What every `quire` command implementation receives: its parsed values (by
// the names its declaration in ./commands/ gave), the resolved data directory
// and the streams to write to, so tests can run commands in-process as well
// as through the real binary.
import type { Writable } from "node:stream";
import type { CommandInput, ProgramSpec } from "@quire/cli-kit";
import type { DataPaths } from "../config/data-dir.js";

export interface CliContext {
  input: CommandInput;
  paths: DataPaths;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** The working directory commands that act on a checkout start from. */
  cwd: string;
  /** The whole declaration (for help and completion). */
  program: ProgramSpec<CommandRun>;
  /** Run another command line in this process with these paths (`quire exec` uses it; no global options). */
  dispatch: (argv: readonly string[], options: { viaSsh: boolean }) => Promise<number>;
}

/** A command's implementation: resolves to the process exit code. */
export type CommandRun = (ctx: CliContext) => Promise<number>;

export { UsageError } from "@quire/cli-kit";
