// Declaration of `quire ci …`: CI status and control. Implementations load
// on use from ../ci.ts.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";

const json = { kind: "boolean", summary: "print JSON instead of text (shape in docs/CLI.md)" } as const;
const runId = { name: "run", summary: "a run id or a unique prefix of one (see `quire ci runs`)", required: true } as const;

export const ciCommand: CommandSpec<CommandRun> = {
  name: "ci",
  summary: "CI runs: list, show, cancel, retry",
  subcommands: [
    {
      name: "runs",
      summary: "list runs, newest first: state, ref, sha, duration",
      positionals: [{ name: "repo", summary: "only this repository's runs", complete: "repo" }],
      options: { json, limit: { kind: "int", value: "N", min: 1, default: 20, summary: "show at most N runs" } },
      examples: ["quire ci runs", "quire ci runs team/lib --limit 5", "quire ci runs --json | jq '.[0].state'"],
      load: async () => (await import("../ci.js")).ciRuns,
    },
    {
      name: "show",
      summary: "one run: its jobs, each sh with exit code and log file",
      positionals: [runId],
      options: { json },
      examples: ["quire ci show 1fe1", "quire ci show 1fe1 --json"],
      load: async () => (await import("../ci.js")).ciShow,
    },
    {
      name: "cancel",
      summary: "stop a pending or active run",
      positionals: [runId],
      load: async () => (await import("../ci.js")).ciCancel,
    },
    {
      name: "retry",
      summary: "queue a new run of the same repository, ref and sha",
      positionals: [runId],
      load: async () => (await import("../ci.js")).ciRetry,
    },
  ],
};
