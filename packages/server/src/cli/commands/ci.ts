// Declaration of `quire ci …`: CI status and control. Implementations load
// on use from ../ci.ts.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";
import { LOCAL_ONLY } from "./tags.js";

const json = { kind: "boolean", summary: "print JSON instead of text (shape in docs/CLI.md)" } as const;
const runId = { name: "run", summary: "a run id or a unique prefix of one (see `quire ci runs`)", required: true } as const;

export const ciCommand: CommandSpec<CommandRun> = {
  name: "ci",
  summary: "CI runs: list, show, logs, cancel, retry, prune; validate and run a checkout's pipeline",
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
      name: "logs",
      summary: "print a run's logs, each line prefixed by its job and sh; --follow streams them as the run goes",
      description:
        "Lines read `JOB/N | text` (a job's (log …) output: `JOB/log | text`), with each sh's command and exit code and each job's end. Exits with the run's outcome: 0 complete, 1 failed, 3 superseded, 4 not finished (without --follow).",
      positionals: [runId, { name: "job", summary: "only this job's logs" }],
      options: {
        follow: { kind: "boolean", short: "f", summary: "keep printing as the run goes; exit when it is over" },
        json: { kind: "boolean", summary: "print one JSON object per line instead of text (shapes in docs/CLI.md)" },
      },
      examples: ["quire ci logs 1fe1", "quire ci logs 1fe1 test --follow", "quire ci logs 1fe1 --json | jq -r 'select(.type == \"line\") | .text'"],
      load: async () => (await import("../ci-logs.js")).ciLogs,
    },
    {
      name: "cancel",
      summary: "stop a pending or active run",
      positionals: [runId],
      load: async () => (await import("../ci.js")).ciCancel,
    },
    {
      name: "validate",
      summary: "check the pipeline of the checkout you are in and print its jobs",
      description: "Reads .quire/ci.fnl in the working tree (from the root of the checkout, found from any directory in it); --sha checks a commit. Runs `quire-ci check`.",
      options: { sha: { kind: "string", value: "SHA", summary: "check this commit (exported clean) instead of the working tree" } },
      examples: ["quire ci validate", "quire ci validate --sha HEAD~1"],
      tags: [LOCAL_ONLY],
      load: async () => (await import("../ci-local.js")).ciValidate,
    },
    {
      name: "run",
      summary: "run the pipeline of the checkout you are in, locally, with live output",
      description:
        "Runs on a clean export (git archive) of HEAD, or of --sha, so nothing in your checkout changes; --dirty runs the working tree as it is. Secrets come from QUIRE_SECRET_<NAME> variables. Runs `quire-ci run`; no server needed.",
      options: {
        sha: { kind: "string", value: "SHA", summary: "run this commit (default HEAD)" },
        dirty: { kind: "boolean", summary: "run the working tree as it is, uncommitted changes included" },
        jobs: { kind: "int", short: "j", value: "N", min: 1, summary: "run up to N independent jobs at once" },
      },
      examples: ["quire ci run", "quire ci run --dirty", "QUIRE_SECRET_DEPLOY_TOKEN=… quire ci run --sha v1.2"],
      tags: [LOCAL_ONLY],
      load: async () => (await import("../ci-local.js")).ciRun,
    },
    {
      name: "retry",
      summary: "queue a new run of the same repository, ref and sha",
      positionals: [runId],
      load: async () => (await import("../ci.js")).ciRetry,
    },
    {
      name: "prune",
      summary: "delete finished runs the :retention policy lets go (rows, events, logs); the newest of each ref stays",
      options: {
        "dry-run": { kind: "boolean", summary: "only show what would go and the bytes it would free" },
        json,
      },
      examples: ["quire ci prune --dry-run", "quire ci prune --json"],
      load: async () => (await import("../ci-prune.js")).ciPrune,
    },
  ],
};
