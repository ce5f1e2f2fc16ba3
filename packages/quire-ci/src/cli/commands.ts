// The whole `quire-ci` command line, declared once (docs/CLI.md): server mode
// (no command word: how `quire serve` runs a pipeline) and the local `run`
// and `check`. Parsing, help, suggestions and completion read this table.
// A command's `load` names its mode; bin/quire-ci-main.ts runs it.
import type { ProgramSpec } from "@quire/cli-kit";
import { ENV_SERVER_URL, ENV_TOKEN_FD } from "../wire.js";

export type Mode = "server" | "run" | "check";

const dir = { name: "dir", summary: "the checkout, or any directory inside it (default: the current directory)", complete: "dir" } as const;
const sha = { kind: "string", value: "SHA", summary: "the commit to use (default HEAD), exported clean" } as const;
const dirty = { kind: "boolean", summary: "use the working tree as it is, uncommitted changes included, instead of a clean export" } as const;

export function quireCiProgram(version: string): ProgramSpec<Mode> {
  return {
    name: "quire-ci",
    version,
    summary: "runs one pipeline (.quire/ci.fnl)",
    description: `With no command, server mode: how \`quire serve\` runs a pipeline (cwd is the workspace; needs ${ENV_SERVER_URL} in the environment, and the run token on the file descriptor ${ENV_TOKEN_FD} names).`,
    options: {
      events: { kind: "string", value: "FILE", complete: "file", summary: "server mode: append every event to FILE" },
      "out-dir": { kind: "string", value: "DIR", complete: "dir", summary: "server mode: the run directory (logs)" },
    },
    load: async () => "server",
    subcommands: [
      {
        name: "run",
        summary: "run a checkout's pipeline locally, with live output",
        description:
          "Runs on a clean export (git archive) of HEAD, or of --sha, in a temporary directory, so nothing in your checkout changes; --dirty runs the working tree instead. :quire/push comes from that commit; secrets from QUIRE_SECRET_<NAME> variables.",
        positionals: [dir],
        options: {
          sha,
          dirty,
          "out-dir": { kind: "string", value: "DIR", complete: "dir", summary: "where logs go (default: a new temporary directory)" },
          events: { kind: "string", value: "FILE", complete: "file", summary: "also append every event to FILE (JSONL)" },
          jobs: { kind: "int", short: "j", value: "N", min: 1, default: 1, summary: "run up to N independent jobs at once" },
          color: { kind: "boolean", summary: "colour the output even when it is not a terminal" },
          "no-color": { kind: "boolean", summary: "never colour the output" },
        },
        examples: ["quire-ci run", "quire-ci run --dirty", "quire-ci run --sha HEAD~1 -j 4"],
        load: async () => "run",
      },
      {
        name: "check",
        summary: "compile and validate .quire/ci.fnl and print its jobs in order",
        description: "Reads the working tree as it is (it runs nothing), from the root of the checkout; --sha checks a commit instead.",
        positionals: [dir],
        options: {
          sha: { ...sha, summary: "check this commit, exported clean, instead of the working tree" },
          json: { kind: "boolean", summary: "print the jobs and pipeline options as JSON (docs/CLI.md)" },
        },
        examples: ["quire-ci check", "quire-ci check --sha HEAD~1", "quire-ci check --json"],
        load: async () => "check",
      },
    ],
    footer: "Docs: docs/CI-FENNEL.md (pipelines), docs/CLI.md.",
  };
}
