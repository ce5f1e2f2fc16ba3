// `quire-ci run [DIR]`: run the pipeline of a local checkout with no server,
// on a clean export of HEAD (or --sha) unless --dirty asks for the working
// tree. :quire/push comes from that commit, secrets from QUIRE_SECRET_<NAME>;
// live output, a summary, and exit 0 on success, 1 on a failed run.
import fs from "node:fs";
import path from "node:path";
import { QuireCiError } from "../errors.js";
import { EventEmitter } from "../events/emitter.js";
import { JsonlSink } from "../events/jsonl-sink.js";
import { runPipeline } from "../executor/run-pipeline.js";
import { fennelCompiler } from "../pipeline/compile.js";
import { startLauncher } from "../runtime/launcher.js";
import { Redactor } from "../runtime/redact.js";
import { UsageError, type CommandInput } from "@quire/cli-kit";
import { EXIT_STORAGE_ERROR } from "../wire.js";
import { CI_FILE } from "../pipeline/load.js";
import { commitHas, exportCommit, findCheckoutRoot, resolveCommit, runTempDir } from "./checkout.js";
import { localPush } from "./local-push.js";
import { envSecrets } from "./secrets.js";
import { TerminalReporter, wantColor } from "./terminal-reporter.js";

/** Where a local run happens: a clean export of a commit (the default) or the working tree (--dirty). */
export interface LocalTarget {
  root: string;
  sha: string;
  workspace: string;
  /** A directory of this run's to remove at the end (the export), if any. */
  cleanup?: string;
  /** One line that says what runs where. */
  describe: string;
}

/** Resolve DIR, --sha and --dirty to the workspace a local run or check uses. */
export async function localTarget(input: CommandInput, temp: () => string): Promise<LocalTarget> {
  const root = findCheckoutRoot(input.arg("dir"));
  const dirty = input.flag("dirty");
  const rev = input.string("sha");
  if (dirty && rev !== undefined) throw new UsageError("--dirty uses the working tree and --sha a commit: give one of them", [input.command]);
  const sha = resolveCommit(root, rev);
  if (dirty) {
    return { root, sha, workspace: root, describe: `running the working tree ${root} as it is (--dirty): uncommitted changes are in, and the pipeline's commands change your files` };
  }
  if (!commitHas(root, sha, CI_FILE)) {
    throw new QuireCiError(`commit ${sha.slice(0, 12)} has no ${CI_FILE}; commit it first, or use --dirty to run the working tree as it is`);
  }
  const dir = temp();
  const workspace = path.join(dir, "workspace");
  await exportCommit(root, sha, workspace);
  return { root, sha, workspace, cleanup: workspace, describe: `running ${sha.slice(0, 12)} on a clean export (git archive) in ${workspace}; --dirty runs the working tree instead` };
}

export async function main(input: CommandInput): Promise<number> {
  let tempDir: string | undefined;
  const temp = (): string => (tempDir ??= runTempDir());
  const target = await localTarget(input, temp);
  const { workspace } = target;
  const launcher = startLauncher();
  const push = localPush(target.root, target.sha);
  process.stdout.write(`quire-ci: ${target.describe}\n`);
  const outDir = path.resolve(input.string("out-dir") ?? temp());
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
  // The export goes, as a server run's workspace does; the logs stay.
  if (target.cleanup) fs.rmSync(target.cleanup, { recursive: true, force: true });
  reporter.summary(result, [`logs: ${outDir}`]);
  if (result.stopped?.storage) return EXIT_STORAGE_ERROR;
  return result.outcome === "success" ? 0 : 1;
}
