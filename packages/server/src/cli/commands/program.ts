// The whole `quire` command line, declared once: global options and every
// command, each from its own file in this folder. Parsing, help, completion
// and suggestions all read this table (see docs/CLI.md to add a command).
import type { ProgramSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";
import { ciCommand } from "./ci.js";
import { completeCommand, completionCommand } from "./completion.js";
import { execCommand } from "./exec.js";
import { hookCommand } from "./hook.js";
import { mirrorCommand } from "./mirror.js";
import { repoCommand } from "./repo.js";
import { runnerCommand } from "./runner.js";
import { serveCommand } from "./serve.js";

export { LOCAL_ONLY } from "./tags.js";

export function quireProgram(version: string): ProgramSpec<CommandRun> {
  return {
    name: "quire",
    version,
    summary: "a personal forge: git hosting, a read-only web view, CI in Fennel",
    globalOptions: {
      "data-dir": {
        kind: "string",
        value: "DIR",
        complete: "dir",
        summary: "the data directory (default $QUIRE_DATA_DIR, else $XDG_DATA_HOME/quire, else ~/.local/share/quire)",
      },
    },
    subcommands: [serveCommand, repoCommand, ciCommand, mirrorCommand, runnerCommand, hookCommand, execCommand, completionCommand, completeCommand],
    footer: "Docs: docs/CLI.md (commands, --json shapes), docs/CI-FENNEL.md (pipelines), docs/config.md.",
  };
}
