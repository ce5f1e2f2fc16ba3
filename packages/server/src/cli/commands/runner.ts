// Declaration of `quire runner …`: runners on other hosts (docs/SCALING.md).
// `new`, `list` and `remove` act on the data directory; `start` is the agent
// that runs on the other host. Implementations load on use from ../runner.ts.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";
import { LOCAL_ONLY } from "./tags.js";

const json = { kind: "boolean", summary: "print JSON instead of text (shape in docs/CLI.md)" } as const;
const name = { name: "name", summary: "runner name: lowercase letters, digits, '.', '_' or '-', e.g. arm-box-1", required: true } as const;

export const runnerCommand: CommandSpec<CommandRun> = {
  name: "runner",
  summary: "runners on other hosts: new, list, remove; start the agent",
  subcommands: [
    {
      name: "new",
      summary: "register a runner and print its token (shown once; only its hash is kept)",
      positionals: [name],
      options: {
        "max-concurrent-runs": { kind: "int", value: "N", min: 1, default: 1, summary: "how many runs it holds at once" },
        json,
      },
      examples: ["quire runner new arm-box", "quire runner new big-box --max-concurrent-runs 4 --json"],
      load: async () => (await import("../runner.js")).runnerNew,
    },
    {
      name: "list",
      aliases: ["ls"],
      summary: "list runners: labels, when last heard from, runs held",
      options: { json },
      load: async () => (await import("../runner.js")).runnerList,
    },
    {
      name: "remove",
      aliases: ["rm"],
      summary: "forget a runner; its token stops working, the runs it held become runner-lost",
      positionals: [name],
      load: async () => (await import("../runner.js")).runnerRemove,
    },
    {
      name: "start",
      summary: "run the runner agent on this host: claim runs from the server and run them",
      description:
        "The token comes from --token-file or $QUIRE_RUNNER_TOKEN, never the command line. Runs use bwrap when it is on PATH (--launcher to choose). " +
        "Labels say what this host offers; its OS and CPU (e.g. linux, amd64) are always among them.",
      options: {
        server: { kind: "string", value: "URL", summary: "the quire server, e.g. https://git.example.org (required)" },
        "token-file": { kind: "string", value: "FILE", complete: "file", summary: "file holding the runner token from `quire runner new`" },
        labels: { kind: "string", value: "A,B", summary: "more labels, comma-separated, e.g. gpu,big" },
        "work-dir": { kind: "string", value: "DIR", complete: "dir", summary: "where runs' workspaces go (default: a directory under the system's temporary directory)" },
        launcher: { kind: "string", value: "NAME", summary: "bwrap or local (default: bwrap when it is on PATH)" },
        "sandbox-user": { kind: "string", value: "USER", summary: "the user bwrap runs become when the agent runs as root (default nobody)" },
      },
      examples: ["QUIRE_RUNNER_TOKEN=… quire runner start --server https://git.example.org --labels arm64", "quire runner start --server http://10.0.0.1:3000 --token-file /etc/quire/runner-token"],
      tags: [LOCAL_ONLY],
      load: async () => (await import("../runner.js")).runnerStart,
    },
  ],
};
