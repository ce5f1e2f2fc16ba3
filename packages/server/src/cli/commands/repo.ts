// Declaration of `quire repo …`: the hosted bare repositories.
// Implementations load on use from ../repo.ts.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";

const name = { name: "name", summary: "repository name, e.g. hello or team/lib (.git is appended)", required: true } as const;

export const repoCommand: CommandSpec<CommandRun> = {
  name: "repo",
  summary: "hosted repositories: new, list, rm, hooks",
  subcommands: [
    {
      name: "new",
      summary: "create a bare repository with quire's hooks",
      positionals: [name],
      examples: ["quire repo new hello", "quire repo new team/lib"],
      load: async () => (await import("../repo.js")).repoNew,
    },
    {
      name: "list",
      aliases: ["ls"],
      summary: "list repositories, sorted",
      options: { json: { kind: "boolean", summary: "print JSON instead of text (shape in docs/CLI.md)" } },
      load: async () => (await import("../repo.js")).repoList,
    },
    {
      name: "rm",
      aliases: ["remove"],
      summary: "remove a repository (its run records and logs stay)",
      positionals: [{ ...name, complete: "repo" }],
      load: async () => (await import("../repo.js")).repoRemove,
    },
    {
      name: "hooks",
      summary: "rewrite the hooks of some or all repositories (after moving quire or the data directory)",
      positionals: [{ name: "names", summary: "repositories (default: all)", variadic: true, complete: "repo" }],
      load: async () => (await import("../repo.js")).repoHooks,
    },
  ],
};
