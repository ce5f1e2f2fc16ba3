// What every `quire` subcommand receives: its own arguments, the resolved
// data directory and the streams to write to (so tests can run commands
// in-process as well as through the real binary).
import type { Writable } from "node:stream";
import type { DataPaths } from "../config/data-dir.js";

export interface CliContext {
  /** Arguments after the subcommand name. */
  args: string[];
  paths: DataPaths;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/** A subcommand: resolves to the process exit code. */
export type Command = (ctx: CliContext) => Promise<number>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
