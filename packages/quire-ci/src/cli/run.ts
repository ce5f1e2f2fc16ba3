// `quire-ci run [DIR]`: run the pipeline of a local checkout with no server.
// :quire/push comes from HEAD, secrets from QUIRE_SECRET_<NAME>; live output,
// a summary, and exit 0 on success, 1 on a failed run.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QuireCiError } from "../errors.js";
import { EventEmitter } from "../events/emitter.js";
import { JsonlSink } from "../events/jsonl-sink.js";
import { runPipeline } from "../executor/run-pipeline.js";
import { fennelCompiler } from "../pipeline/compile.js";
import { startLauncher } from "../runtime/launcher.js";
import { Redactor } from "../runtime/redact.js";
import type { CommandInput } from "@quire/cli-kit";
import { EXIT_STORAGE_ERROR } from "../wire.js";
import { localPush } from "./local-push.js";
import { envSecrets } from "./secrets.js";
import { TerminalReporter, wantColor } from "./terminal-reporter.js";

export function resolveCheckout(dir: string | undefined): string {
  const given = dir ?? ".";
  try {
    const real = fs.realpathSync(given);
    if (!fs.statSync(real).isDirectory()) throw new Error("not a directory");
    return real;
  } catch {
    throw new QuireCiError(`${given} is not a directory`);
  }
}

export async function main(input: CommandInput): Promise<number> {
  const workspace = resolveCheckout(input.arg("dir"));
  const launcher = startLauncher();
  const push = localPush(workspace);
  const outDir = path.resolve(input.string("out-dir") ?? fs.mkdtempSync(path.join(os.tmpdir(), "quire-ci-")));
  fs.mkdirSync(outDir, { recursive: true });
  const maxParallel = input.int("jobs") ?? 1;
  const colorFlag = input.flag("color") ? true : input.flag("no-color") ? false : undefined;
  const reporter = new TerminalReporter(process.stdout, {
    color: wantColor(process.stdout, colorFlag),
    prefixJobs: maxParallel > 1,
    showOutput: true,
  });
  const redactor = new Redactor();
  const emitter = new EventEmitter(redactor);
  const eventsFile = input.string("events");
  if (eventsFile) emitter.addSink(new JsonlSink(path.resolve(eventsFile)));
  emitter.addSink(reporter);

  const result = await runPipeline({
    workspace,
    outDir,
    push,
    secrets: envSecrets(process.env),
    maxParallel,
    emitter,
    redactor,
    compile: await fennelCompiler(),
    observer: reporter,
    warn: (m) => process.stderr.write(m + "\n"),
    launcher,
  });
  launcher.close();
  await emitter.close();
  reporter.summary(result, [`logs: ${outDir}`]);
  if (result.stopped?.storage) return EXIT_STORAGE_ERROR;
  return result.outcome === "success" ? 0 : 1;
}
