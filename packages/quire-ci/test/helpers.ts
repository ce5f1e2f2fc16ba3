// Shared by quire-ci's process-level tests: temp workspaces from fixture
// folders, in-process runs with real Fennel and real processes, a fixed push,
// and the path of the built quire-ci program.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { parseEventLine, parseLog, type PushOutputs, type RunEvent } from "@quire/shared";
import { envSecrets } from "../src/cli/secrets.js";
import { EventEmitter } from "../src/events/emitter.js";
import { JsonlSink } from "../src/events/jsonl-sink.js";
import { runPipeline } from "../src/executor/run-pipeline.js";
import type { RunResult } from "../src/executor/outcome.js";
import { fennelCompiler } from "../src/pipeline/compile.js";
import { Redactor } from "../src/runtime/redact.js";


export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = path.join(PACKAGE_DIR, "test", "fixtures");
/** Pipelines in upstream quire's shapes, run like FIXTURES. */
export const UPSTREAM_FIXTURES = path.join(PACKAGE_DIR, "test", "upstream");
export const BIN = path.join(PACKAGE_DIR, "dist", "bin", "quire-ci.js");

export const PUSH: PushOutputs = {
  sha: "a".repeat(40),
  ref: "refs/heads/main",
  branch: "main",
  tag: null,
  previous_sha: "b".repeat(40),
  files_changed: ["README.md"],
  pusher: "tester",
  commit_message: "test commit",
  repo: "demo.git",
  pushed_at_ms: Date.UTC(2026, 0, 1),
};

export function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** A fresh workspace holding a copy of the fixture (minus expect.json). */
export function workspaceFrom(fixtureDir: string): string {
  const ws = tempDir("quire-ci-ws-");
  fs.cpSync(fixtureDir, ws, { recursive: true, filter: (src) => path.basename(src) !== "expect.json" });
  return ws;
}

/** A workspace from pipeline text: `.quire/ci.fnl` plus extra files. */
export function workspaceWith(ciFnl: string, files: Record<string, string> = {}): string {
  const ws = tempDir("quire-ci-ws-");
  fs.mkdirSync(path.join(ws, ".quire"), { recursive: true });
  fs.writeFileSync(path.join(ws, ".quire", "ci.fnl"), ciFnl);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, name)), { recursive: true });
    fs.writeFileSync(path.join(ws, name), content);
  }
  return ws;
}

/** Turn a workspace into a git checkout with one commit on `main`. */
export function gitCommitAll(ws: string, message = "initial"): string {
  const git = (...args: string[]): string =>
    execFileSync("git", ["-C", ws, ...args], {
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "tester", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "tester", GIT_COMMITTER_EMAIL: "t@example.com" },
    });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "tester");
  git("add", "-A");
  git("commit", "-q", "-m", message);
  return git("rev-parse", "HEAD").trim();
}

export interface InProcessRun {
  result: RunResult;
  events: RunEvent[];
  workspace: string;
  outDir: string;
  elapsedMs: number;
}

export async function runInProcess(
  workspace: string,
  options: { env?: Record<string, string>; maxParallel?: number; push?: PushOutputs } = {},
): Promise<InProcessRun> {
  const outDir = tempDir("quire-ci-out-");
  const redactor = new Redactor();
  const emitter = new EventEmitter(redactor);
  const events: RunEvent[] = [];
  emitter.addSink({ write: (e) => void events.push(structuredClone(e)) });
  emitter.addSink(new JsonlSink(path.join(outDir, "events.jsonl")));
  const env = { ...process.env, ...(options.env ?? {}) };
  const started = performance.now();
  const result = await runPipeline({
    workspace,
    outDir,
    push: options.push ?? PUSH,
    secrets: envSecrets(env),
    maxParallel: options.maxParallel ?? 1,
    emitter,
    redactor,
    compile: await fennelCompiler(),
    env,
  });
  await emitter.close();
  return { result, events, workspace, outDir, elapsedMs: performance.now() - started };
}

/** Parse an events.jsonl file strictly (every line must be a valid event). */
export function readEvents(file: string): RunEvent[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((line) => {
      const parsed = parseEventLine(line);
      if (!parsed.ok) throw new Error(`bad event line ${line}: ${parsed.error}`);
      return parsed.event;
    });
}

/** Every file under dir, recursively, as [relative path, content]. */
export function allFiles(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    out.push([path.relative(dir, abs), fs.readFileSync(abs, "utf8")]);
  }
  return out;
}

/** The lines of a log file as `<stream> <text>` (stream: stdout, stderr or note). */
export function logLines(file: string): string[] {
  return parseLog(fs.readFileSync(file)).map((l) => `${l.stream} ${l.text}`);
}
