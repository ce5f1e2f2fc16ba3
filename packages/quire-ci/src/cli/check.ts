// `quire-ci check [DIR]`: compile and validate .quire/ci.fnl as it is in the
// working tree of the checkout DIR is in (it runs nothing), or of a commit
// (--sha, exported clean), and print the job graph in execution order. Exit
// 0 when valid, 1 with every problem.
import { PipelineError } from "../errors.js";
import { fennelCompiler } from "../pipeline/compile.js";
import { CI_FILE, loadPipeline, type LoadedPipeline } from "../pipeline/load.js";
import type { CommandInput } from "@quire/cli-kit";
import fs from "node:fs";
import { findCheckoutRoot, NotACheckoutError, runTempDir } from "./checkout.js";
import { localTarget } from "./run.js";
import { NO_JOBS_NOTE } from "./terminal-reporter.js";

export function formatGraph(loaded: LoadedPipeline): string {
  const { pipeline, order } = loaded;
  if (order.length === 0) return `${CI_FILE}: ${NO_JOBS_NOTE}${pipeline.image ? ` (image ${pipeline.image})` : ""}`;
  const width = Math.max(...order.map((j) => j.id.length));
  const lines = [`${CI_FILE}: ${order.length} job${order.length === 1 ? "" : "s"}${pipeline.image ? ` (image ${pipeline.image})` : ""}`];
  const { options } = pipeline;
  if (options?.network === false) lines.push("  no network for any job (ci.options :network false)");
  if (options?.runsOn !== undefined) lines.push(`  runs on a runner labelled ${options.runsOn.join(", ")}`);
  order.forEach((job, i) => {
    const opts: string[] = [];
    if (job.allowFailure) opts.push("allow-failure");
    if (job.timeoutSec !== undefined) opts.push(`timeout ${job.timeoutSec}s`);
    if (job.network !== undefined) opts.push(job.network ? "network" : "no network");
    const inputs = job.inputs.map((input) => (input.includes("/") ? `:${input}` : input)).join(", ");
    lines.push(`  ${String(i + 1).padStart(2)}. ${job.id.padEnd(width)}  ← ${inputs}${opts.length > 0 ? `  [${opts.join(", ")}]` : ""}`);
  });
  return lines.join("\n");
}

/** `check --json`: the jobs in execution order and the pipeline's options (the shape is in docs/CLI.md). */
export function graphJson(loaded: LoadedPipeline): unknown {
  const { options } = loaded.pipeline;
  return {
    ok: true,
    jobs: loaded.order.map((j) => ({
      id: j.id,
      inputs: j.inputs,
      allow_failure: j.allowFailure,
      timeout_s: j.timeoutSec ?? null,
      network: j.network ?? options?.network ?? true,
    })),
    options: { network: options?.network ?? true, runs_on: options?.runsOn ?? [] },
  };
}

/** The directory check reads: a clean export of --sha, else the working tree of the checkout DIR is in (or DIR itself outside git). */
async function checkTarget(input: CommandInput, temp: () => string): Promise<string> {
  if (input.string("sha") !== undefined) return (await localTarget(input, temp)).workspace;
  try {
    return findCheckoutRoot(input.arg("dir"));
  } catch (e) {
    if (!(e instanceof NotACheckoutError)) throw e;
    return e.dir;
  }
}

export async function main(input: CommandInput): Promise<number> {
  let tempDir: string | undefined;
  const workspace = await checkTarget(input, () => (tempDir ??= runTempDir()));
  try {
    const loaded = await loadPipeline({ workspace, compile: await fennelCompiler() });
    loaded.vm.close();
    process.stdout.write((input.flag("json") ? JSON.stringify(graphJson(loaded)) : formatGraph(loaded)) + "\n");
    return 0;
  } catch (e) {
    if (!(e instanceof PipelineError)) throw e;
    if (input.flag("json")) process.stdout.write(JSON.stringify({ ok: false, problems: e.diagnostics.length }) + "\n");
    const n = e.diagnostics.length;
    process.stderr.write(`${e.message}\n\n${n} problem${n === 1 ? "" : "s"} in ${CI_FILE}\n`);
    return 1;
  } finally {
    if (tempDir !== undefined) fs.rmSync(tempDir, { recursive: true, force: true });
  }
}
