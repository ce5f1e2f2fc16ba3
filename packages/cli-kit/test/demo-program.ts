// A small program declaration the kit's own tests share: a group with
// subcommands and aliases, every option kind, positionals of every shape,
// a raw command and a hidden one.
import type { ProgramSpec } from "../src/spec.js";

export const demo: ProgramSpec<string> = {
  name: "demo",
  version: "1.2.3",
  summary: "a demo program",
  globalOptions: { "data-dir": { kind: "string", value: "DIR", summary: "where state lives", complete: "dir" } },
  subcommands: [
    {
      name: "ci",
      summary: "ci things",
      subcommands: [
        {
          name: "runs",
          summary: "list runs",
          positionals: [{ name: "repo", summary: "a repository", complete: "repo" }],
          options: {
            json: { kind: "boolean", summary: "print JSON" },
            limit: { kind: "int", value: "N", min: 1, default: 20, summary: "at most N" },
            jobs: { kind: "int", short: "j", value: "N", min: 1, max: 64, summary: "parallel jobs" },
            color: { kind: "string", value: "WHEN", choices: ["auto", "always", "never"], summary: "colour" },
          },
          load: async () => "runs",
        },
        { name: "show", summary: "show a run", positionals: [{ name: "run", summary: "a run id", required: true }], load: async () => "show" },
      ],
    },
    {
      name: "repo",
      summary: "repositories",
      subcommands: [
        { name: "list", aliases: ["ls"], summary: "list", load: async () => "list" },
        { name: "hooks", summary: "hooks", positionals: [{ name: "names", summary: "names", variadic: true }], load: async () => "hooks" },
        { name: "run", summary: "run locally", tags: ["local-only"], options: { dirty: { kind: "boolean", short: "d", summary: "use the working tree" } }, load: async () => "run" },
      ],
    },
    { name: "exec", summary: "run a command line", raw: true, positionals: [{ name: "command", summary: "the command", required: true }], load: async () => "exec" },
    { name: "completion", summary: "completion", positionals: [{ name: "shell", summary: "shell", required: true, choices: ["bash", "zsh", "fish"] }], load: async () => "completion" },
    { name: "secret", summary: "hidden", hidden: true, load: async () => "secret" },
  ],
};
