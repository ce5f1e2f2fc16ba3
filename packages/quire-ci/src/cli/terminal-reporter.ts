// Live terminal output for `quire-ci run` (and quire-ci's own log in server
// mode): one line per job and sh, command output as it arrives, a summary.
// Coloured only when writing to a TTY (and NO_COLOR is unset).
import type { RunEvent } from "@quire/shared";
import type { EventSink } from "../events/emitter.js";
import type { RunResult } from "../executor/outcome.js";
import type { RunObserver } from "../runtime/context.js";
import type { Stream } from "../runtime/log-file.js";

type Paint = (s: string) => string;

export interface ReporterOptions {
  color: boolean;
  /** Prefix output lines with the job id (jobs may interleave). */
  prefixJobs: boolean;
  /** Show sh output lines (server mode leaves them to the log files). */
  showOutput: boolean;
  timestamps?: boolean;
}

export class TerminalReporter implements EventSink, RunObserver {
  private readonly paint: Record<"bold" | "dim" | "red" | "green" | "yellow" | "cyan", Paint>;
  private readonly started = performance.now();

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly options: ReporterOptions,
  ) {
    const code = (open: number, close: number): Paint => (s) => (options.color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
    this.paint = { bold: code(1, 22), dim: code(2, 22), red: code(31, 39), green: code(32, 39), yellow: code(33, 39), cyan: code(36, 39) };
  }

  private line(text: string): void {
    const ts = this.options.timestamps ? `${new Date().toISOString()} ` : "";
    this.out.write(ts + text + "\n");
  }

  private tag(jobId: string): string {
    return this.options.prefixJobs ? `${this.paint.dim(jobId)} ` : "";
  }

  write(event: RunEvent): void {
    const p = this.paint;
    switch (event.type) {
      case "pipeline_validated":
        break;
      case "job_started":
        this.line(`${p.cyan("▶")} ${p.bold(event.job_id)}`);
        break;
      case "sh_started":
        this.line(`  ${this.tag(event.job_id)}${p.dim("$")} ${event.cmd}`);
        break;
      case "sh_finished":
        if (event.exit_code !== 0) this.line(`  ${this.tag(event.job_id)}${p.yellow(`exit ${event.exit_code}`)}`);
        break;
      case "job_finished":
        if (event.outcome === "complete") this.line(`${p.green("✓")} ${p.bold(event.job_id)}`);
        else this.line(`${p.red("✗")} ${p.bold(event.job_id)}${event.timed_out ? p.red(" (timed out)") : ""}: ${event.error ?? "failed"}`);
        break;
      case "job_skipped":
        this.line(`${p.yellow("○")} ${p.bold(event.job_id)} skipped: ${event.reason}`);
        break;
      case "run_finished":
        break;
    }
  }

  onShLine(jobId: string, _n: number, stream: Stream, line: string): void {
    if (!this.options.showOutput) return;
    const bar = stream === "stderr" ? this.paint.yellow("│") : this.paint.dim("│");
    this.line(`  ${this.tag(jobId)}${bar} ${line}`);
  }

  onLog(jobId: string, message: string): void {
    for (const l of message.split("\n")) this.line(`  ${this.tag(jobId)}${this.paint.cyan("»")} ${l}`);
  }

  summary(result: RunResult, extra: string[] = []): void {
    const p = this.paint;
    const count = (s: string): number => result.jobs.filter((j) => j.state === s).length;
    const secs = ((performance.now() - this.started) / 1000).toFixed(1);
    const verdict = result.outcome === "success" ? p.green("success") : p.red(result.outcome);
    this.line("");
    this.line(
      `${p.bold("run")} ${verdict}: ${result.jobs.length} job${result.jobs.length === 1 ? "" : "s"}, ` +
        `${count("complete")} complete, ${count("failed")} failed, ${count("skipped")} skipped (${secs}s)`,
    );
    if (result.error) this.line(`  ${result.error}`);
    if (result.jobs.length === 0 && result.outcome === "success") this.line(`  ${NO_JOBS_NOTE}`);
    for (const e of extra) this.line(`  ${p.dim(e)}`);
  }
}

/** What a run of a pipeline that registers no jobs says (it succeeds, as upstream quire's own pipeline does). */
export const NO_JOBS_NOTE = "no jobs registered (.quire/ci.fnl calls no ci.job)";

/** Colour when the stream is a TTY, unless NO_COLOR or --no-color say otherwise. */
export function wantColor(stream: NodeJS.WriteStream, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (process.env.NO_COLOR) return false;
  return Boolean(stream.isTTY);
}
