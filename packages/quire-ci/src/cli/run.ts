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
import { intFlag, parseArgs, stringFlag } from "./args.js";
import { localPush } from "./local-push.js";
import { envSecrets } from "./secrets.js";
import { TerminalReporter, wantColor } from "./terminal-reporter.js";

export const RUN_USAGE = `usage: quire-ci run [DIR] [--out-dir DIR] [--events FILE] [-j N] [--color|--no-color]
  Runs DIR's .quire/ci.fnl (default: the current directory) with :quire/push from its HEAD.
  Secrets come from QUIRE_SECRET_<NAME> variables. Logs go to --out-dir (default: a new temp dir).`;

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

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(
    argv,
    [
      { name: "out-dir", takesValue: true },
      { name: "events", takesValue: true },
      { name: "jobs", short: "j", takesValue: true },
      { name: "color", takesValue: false },
      { name: "no-color", takesValue: false },
    ],
    RUN_USAGE,
  );
  if (args.positionals.length > 1) throw new QuireCiError(`run takes at most one directory\n${RUN_USAGE}`);
  const workspace = resolveCheckout(args.positionals[0]);
  const launcher = startLauncher();
  const push = localPush(workspace);
  const outDir = path.resolve(stringFlag(args, "out-dir") ?? fs.mkdtempSync(path.join(os.tmpdir(), "quire-ci-")));
  fs.mkdirSync(outDir, { recursive: true });
  const maxParallel = intFlag(args, "jobs", 1);
  const colorFlag = args.flags.has("color") ? true : args.flags.has("no-color") ? false : undefined;
  const reporter = new TerminalReporter(process.stdout, {
    color: wantColor(process.stdout, colorFlag),
    prefixJobs: maxParallel > 1,
    showOutput: true,
  });
  const redactor = new Redactor();
  const emitter = new EventEmitter(redactor);
  const eventsFile = stringFlag(args, "events");
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
  return result.outcome === "success" ? 0 : 1;
}
