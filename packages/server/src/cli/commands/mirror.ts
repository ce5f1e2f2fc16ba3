// Declaration of `quire mirror …`: push to mirror targets by hand and show
// each target's last attempt. Implementations load on use from ../mirror.ts.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";

const json = { kind: "boolean", summary: "print JSON instead of text (shape in docs/CLI.md)" } as const;

export const mirrorCommand: CommandSpec<CommandRun> = {
  name: "mirror",
  summary: "mirror targets: push by hand, show their status",
  subcommands: [
    {
      name: "push",
      summary: "push one ref, or every ref, to the repository's mirror targets now (never forced)",
      positionals: [
        { name: "repo", summary: "the repository whose targets to push to", required: true, complete: "repo" },
        { name: "ref", summary: "only this ref (refs/heads/main, main, v1.0); default: every ref and any waiting retry" },
      ],
      options: { json },
      examples: ["quire mirror push hello", "quire mirror push team/tools refs/heads/main", "ssh git@forge.example.org 'quire mirror push hello main'"],
      load: async () => (await import("../mirror.js")).mirrorPush,
    },
    {
      name: "status",
      summary: "each mirror target's last attempt: when, refs pushed, ok or error, retries waiting",
      positionals: [{ name: "repo", summary: "only this repository's targets (also lists declared targets not tried yet)", complete: "repo" }],
      options: { json },
      examples: ["quire mirror status", "quire mirror status hello --json"],
      load: async () => (await import("../mirror.js")).mirrorStatus,
    },
  ],
};
