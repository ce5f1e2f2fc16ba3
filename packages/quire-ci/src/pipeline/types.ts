// The shape of a registered pipeline: jobs as ci.fnl declared them, after
// registration checks. Graph checks live in validate.ts, ordering in graph.ts.

/** The only source a job may take as input (the wire constant of @quire/shared). */
export { PUSH_SOURCE } from "@quire/shared";

export interface SourcePosition {
  file: string;
  line?: number;
  col?: number;
}

export interface JobSpec {
  id: string;
  /** 1-based declaration order; also the key of the run-fn inside the VM. */
  index: number;
  inputs: string[];
  allowFailure: boolean;
  /** Seconds, when `:timeout` was given. */
  timeoutSec?: number;
  /** `:network false`: the job's sh commands run without a network; unset = the pipeline's choice. */
  network?: boolean;
  pos: SourcePosition;
}

/** `(ci.options {…})`: settings of the whole run. */
export interface PipelineOptions {
  /** `:network false`: no job's sh commands reach the network (a job's own `:network` wins). */
  network?: boolean;
  /** `:runs-on [:linux :arm64]`: labels a runner must have to run this pipeline. */
  runsOn?: string[];
}

export interface Pipeline {
  jobs: JobSpec[];
  /** `(ci.image "name")`, recorded; no effect until a container launcher exists. */
  image?: string;
  options?: PipelineOptions;
}
