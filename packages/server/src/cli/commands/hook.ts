// Declaration of `quire hook …`, the entry points of hosted repositories'
// hook files. It loads on every push: keep this file and ../hook.ts light.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";

export const hookCommand: CommandSpec<CommandRun> = {
  name: "hook",
  summary: "git hook entry points (run by the hook files quire installs)",
  subcommands: [
    {
      name: "post-receive",
      summary: "send the pushed refs (on stdin) to `quire serve` and print the queued runs",
      load: async () => (await import("../hook.js")).postReceive,
    },
  ],
};
