// The bootstrap payload (GET /api/run/bootstrap) checked without the schema
// library: loading it costs more start-up time than the whole check. Mirrors
// bootstrapPayloadSchema of @quire/shared field for field (strict objects);
// bootstrap-payload.test.ts holds the two to the same verdicts.
import type { BootstrapPayload } from "@quire/shared";

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

type Check = (value: unknown, at: string) => string | undefined;

const str: Check = (v, at) => (typeof v === "string" ? undefined : `${at}: expected a string`);
const nonEmpty: Check = (v, at) => str(v, at) ?? ((v as string).length === 0 ? `${at}: expected a non-empty string` : undefined);
const int: Check = (v, at) => (typeof v === "number" && Number.isSafeInteger(v) ? undefined : `${at}: expected an integer`);
const sha: Check = (v, at) => str(v, at) ?? (SHA.test(v as string) ? undefined : `${at}: expected a full lowercase hex object name (40 or 64 digits)`);
const optional =
  (check: Check): Check =>
  (v, at) =>
    v === undefined ? undefined : check(v, at);
const nonNegative: Check = (v, at) => int(v, at) ?? ((v as number) < 0 ? `${at}: expected at least 0` : undefined);
const nullable =
  (check: Check): Check =>
  (v, at) =>
    v === null ? undefined : check(v, at);
const strings: Check = (v, at) => {
  if (!Array.isArray(v)) return `${at}: expected an array`;
  for (let i = 0; i < v.length; i++) {
    const problem = str(v[i], `${at}.${i}`);
    if (problem) return problem;
  }
  return undefined;
};

function object(fields: Record<string, Check>): Check {
  return (v, at) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return `${at}: expected an object`;
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(key in fields)) return `${at}: unknown key ${JSON.stringify(key)}`;
    }
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(record[key], at === "" ? key : `${at}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

const payload = object({
  run_id: nonEmpty,
  repo: str,
  ref: str,
  sha: str,
  queued_at_ms: int,
  started_at_ms: int,
  push: object({
    sha,
    ref: str,
    branch: nullable(str),
    tag: nullable(str),
    previous_sha: nullable(sha),
    files_changed: strings,
    pusher: nullable(str),
    commit_message: str,
    repo: str,
    pushed_at_ms: optional(nonNegative),
  }),
  secret_names: strings,
  settings: object({
    max_parallel_jobs: (v, at) => int(v, at) ?? ((v as number) < 1 ? `${at}: expected at least 1` : undefined),
    sh_log_cap_bytes: optional(nonNegative),
    run_log_cap_bytes: optional(nonNegative),
    log_free_space_bytes: optional(nonNegative),
    pipeline_memory_bytes: optional((v, at) => int(v, at) ?? ((v as number) < 1 ? `${at}: expected at least 1` : undefined)),
  }),
});

/** The payload, or an Error naming the first field that is wrong. */
export function checkBootstrapPayload(value: unknown): BootstrapPayload {
  const problem = payload(value, "");
  if (problem) throw new Error(problem.startsWith(": ") ? problem.slice(2) : problem);
  return value as BootstrapPayload;
}
