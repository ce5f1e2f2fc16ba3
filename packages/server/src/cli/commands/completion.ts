// Declaration of `quire completion SHELL` and of the hidden `__complete`
// its scripts call; both implementations are ../completion.ts.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";

export const completionCommand: CommandSpec<CommandRun> = {
  name: "completion",
  summary: "print a shell completion script (bash, zsh, fish)",
  positionals: [{ name: "shell", summary: "the shell to complete for", required: true, choices: ["bash", "zsh", "fish"] }],
  examples: ["source <(quire completion bash)", "quire completion fish > ~/.config/fish/completions/quire.fish"],
  load: async () => (await import("../completion.js")).completion,
};

export const completeCommand: CommandSpec<CommandRun> = {
  // The name the scripts of @quire/cli-kit call (its COMPLETE_COMMAND).
  name: "__complete",
  summary: "print completions for the words typed so far (used by the completion scripts)",
  hidden: true,
  raw: true,
  positionals: [{ name: "words", summary: "the words after the program name; the last is being typed", variadic: true }],
  load: async () => (await import("../completion.js")).complete,
};
