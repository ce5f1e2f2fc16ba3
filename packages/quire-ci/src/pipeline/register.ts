// Host side of `(ci.job id inputs run-fn opts?)`, `(ci.options {…})` and
// `(ci.image name)`: turns the raw Lua arguments into JobSpecs and pipeline
// options, and collects every registration problem.
import { isRunnerLabel, jobIdProblem } from "@quire/shared";
import type { Diagnostic } from "../errors.js";
import { PUSH_SOURCE, type JobSpec, type Pipeline, type PipelineOptions, type SourcePosition } from "./types.js";

/** What the VM hands over for one `ci.job` call (tables already converted). */
export interface RawJobCall {
  index: number;
  id: unknown;
  inputs: unknown;
  /** Lua `type()` of the run-fn argument. */
  fnType: string;
  opts: unknown;
  /** How many arguments followed opts (should be 0). */
  extra: number;
  pos: SourcePosition;
}

const JOB_OPTIONS = ["allow-failure", "timeout", "network"];
const PIPELINE_OPTIONS = ["network", "runs-on"];

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "a sequence";
  return "a table";
}

/** Collects registrations in declaration order. */
export class PipelineRegistry {
  readonly jobs: JobSpec[] = [];
  readonly diagnostics: Diagnostic[] = [];
  image: string | undefined;
  private imagePos: SourcePosition | undefined;
  options: PipelineOptions | undefined;
  private optionsPos: SourcePosition | undefined;

  private problem(pos: SourcePosition, message: string, hint?: string): void {
    this.diagnostics.push({ ...pos, message, ...(hint === undefined ? {} : { hint }) });
  }

  /** Record one `ci.job` call; problems are collected, never thrown. */
  addJob(call: RawJobCall): void {
    const { pos } = call;
    let id: string;
    if (typeof call.id === "string" && call.id.length > 0) {
      id = call.id;
      const problem = jobIdProblem(id);
      if (id.includes("/")) {
        this.problem(pos, `Job id "${id}" contains "/"`, 'job ids cannot contain "/"; it is reserved for sources such as :quire/push');
      } else if (problem !== undefined) {
        const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
        this.problem(pos, `Job id ${JSON.stringify(shown)}: ${problem}`, "job ids name a folder of the run's logs: short text such as :test or :build-linux");
      }
    } else {
      id = `#${call.index}`;
      this.problem(
        pos,
        `ci.job: the job id must be a non-empty string or keyword, got ${describe(call.id)}`,
        "write (ci.job :test [:quire/push] (fn [{: sh}] ...))",
      );
    }
    const label = `Job "${id}"`;

    const inputs: string[] = [];
    if (Array.isArray(call.inputs) && call.inputs.length > 0) {
      call.inputs.forEach((input, i) => {
        if (typeof input === "string" && input.length > 0) inputs.push(input);
        else this.problem(pos, `${label}: input ${i + 1} must be a job id or :quire/push, got ${describe(input)}`);
      });
    } else if (typeof call.inputs === "string" && call.inputs.length > 0) {
      this.problem(pos, `${label}: inputs must be a sequence; write [:${call.inputs}] rather than :${call.inputs}`);
    } else if (call.inputs !== null && call.inputs !== undefined && typeof call.inputs === "object" && !Array.isArray(call.inputs) && Object.keys(call.inputs).length > 0) {
      this.problem(pos, `${label}: inputs must be a sequence such as [:quire/push], got a table with keys`);
    } else {
      const got = typeof call.inputs === "object" && call.inputs !== null ? "an empty sequence" : describe(call.inputs);
      this.problem(pos, `${label} has no inputs (got ${got}): pass [:quire/push] or a job id`,
        "inputs are a non-empty sequence, e.g. [:quire/push] or [:test]");
    }

    if (call.fnType !== "function") {
      this.problem(pos, `${label}: the run-fn (third argument) must be a function, got ${call.fnType === "nil" ? "nil" : `a ${call.fnType}`}`,
        "write (fn [{: sh}] (sh \"make\"))");
    }

    let allowFailure = false;
    let timeoutSec: number | undefined;
    let network: boolean | undefined;
    const opts = call.opts;
    if (opts !== null && opts !== undefined) {
      if (typeof opts !== "object" || Array.isArray(opts)) {
        this.problem(pos, `${label}: options (fourth argument) must be a table such as {:timeout 60}, got ${describe(opts)}`);
      } else {
        // Lua tables have no order (and each VM hashes differently): report by key, the same every time.
        for (const [key, value] of Object.entries(opts as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          if (key === "allow-failure") {
            if (typeof value === "boolean") allowFailure = value;
            else this.problem(pos, `${label}: :allow-failure must be true or false, got ${describe(value)}`);
          } else if (key === "timeout") {
            if (typeof value === "number" && Number.isFinite(value) && value > 0) timeoutSec = value;
            else this.problem(pos, `${label}: :timeout must be a positive number of seconds, got ${describe(value)}`);
          } else if (key === "network") {
            if (typeof value === "boolean") network = value;
            else this.problem(pos, `${label}: :network must be true or false, got ${describe(value)}`);
          } else {
            this.problem(pos, `${label}: unknown option :${key}`, `known options are ${JOB_OPTIONS.map((o) => ":" + o).join(", ")}`);
          }
        }
      }
    }
    if (call.extra > 0) {
      this.problem(pos, `${label}: ci.job takes at most 4 arguments (id inputs run-fn opts), got ${4 + call.extra}`);
    }

    const duplicate = this.jobs.find((j) => j.id === id);
    if (duplicate && typeof call.id === "string") {
      const first = duplicate.pos.line === undefined ? duplicate.pos.file : `${duplicate.pos.file}:${duplicate.pos.line}`;
      this.problem(pos, `${label} is declared twice (first at ${first})`, "give each job a unique id");
    }
    if (duplicate) return;
    this.jobs.push({
      id,
      index: call.index,
      inputs,
      allowFailure,
      ...(timeoutSec === undefined ? {} : { timeoutSec }),
      ...(network === undefined ? {} : { network }),
      pos,
    });
  }

  /** Record `(ci.image name)`: at most once, a non-empty string. */
  setImage(name: unknown, pos: SourcePosition): void {
    if (typeof name !== "string" || name.length === 0) {
      this.problem(pos, `ci.image: the image must be a non-empty string, got ${describe(name)}`);
      return;
    }
    if (this.image !== undefined) {
      const first = this.imagePos?.line === undefined ? "" : ` (first at ${this.imagePos.file}:${this.imagePos.line})`;
      this.problem(pos, `ci.image is called twice${first}`, "call (ci.image \"name\") at most once");
      return;
    }
    this.image = name;
    this.imagePos = pos;
  }

  /** Record `(ci.options {:network false :runs-on [:linux]})`: at most once, known keys only. */
  setOptions(opts: unknown, pos: SourcePosition): void {
    if (this.optionsPos !== undefined) {
      const first = this.optionsPos.line === undefined ? "" : ` (first at ${this.optionsPos.file}:${this.optionsPos.line})`;
      this.problem(pos, `ci.options is called twice${first}`, "put every pipeline option in one (ci.options {…}) table");
      return;
    }
    this.optionsPos = pos;
    if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
      // An empty Lua table converts to an empty sequence: no options.
      if (Array.isArray(opts) && opts.length === 0) return;
      this.problem(pos, `ci.options: the options must be a table such as {:network false}, got ${describe(opts)}`);
      return;
    }
    const options: PipelineOptions = {};
    for (const [key, value] of Object.entries(opts as Record<string, unknown>)) {
      if (key === "network") {
        if (typeof value === "boolean") options.network = value;
        else this.problem(pos, `ci.options: :network must be true or false, got ${describe(value)}`);
      } else if (key === "runs-on") {
        const labels = Array.isArray(value) ? value : typeof value === "string" ? [value] : undefined;
        const bad = labels?.find((l) => !isRunnerLabel(l));
        if (labels === undefined || labels.length === 0 || bad !== undefined) {
          this.problem(
            pos,
            `ci.options: :runs-on must be a non-empty sequence of runner labels such as [:linux :arm64], got ${bad === undefined ? describe(value) : describe(bad)}`,
            "a label is lowercase letters, digits, '.', '_' or '-', at most 63 characters",
          );
        } else options.runsOn = [...new Set(labels as string[])];
      } else {
        this.problem(pos, `ci.options: unknown option :${key}`, `known options are ${PIPELINE_OPTIONS.map((o) => ":" + o).join(" and ")}`);
      }
    }
    this.options = options;
  }

  pipeline(): Pipeline {
    return {
      jobs: this.jobs,
      ...(this.image === undefined ? {} : { image: this.image }),
      ...(this.options === undefined ? {} : { options: this.options }),
    };
  }
}

export { PUSH_SOURCE };
