// The blame ladder's trail: the blame pages a reader climbed through, carried
// in the query as `t=REV:LINE:PATH` steps (oldest first, bounded in number
// and length, validated on the way in), so the breadcrumb can show and link
// them. The climb itself (`?up=N`) is in blame.tsx.
import { HttpError } from "../../errors.js";
import { BadPathError, encodePath, parsePath } from "../url.js";

/** One blame page climbed through: where it was, and the line followed from it. */
export interface TrailStep {
  /** A ref name or full sha, as that page's URL spelled it. */
  rev: string;
  line: number;
  path: Buffer[];
}

export interface Trail {
  steps: TrailStep[];
  /** Earlier steps were dropped to keep the trail bounded. */
  omitted: boolean;
}

/** Most steps a trail keeps; older ones are dropped (and marked) past it. */
export const MAX_TRAIL_STEPS = 8;
/** Most characters all steps of a trail may take in the query. */
export const MAX_TRAIL_CHARS = 1600;
/** The marker step for dropped steps. */
const OMITTED = "~";

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** What git allows in a ref name, roughly: no control characters, space, ~ ^ : ? * [ \ or "..". */
const REF_NAME = /^(?!.*\.\.)(?!\/)(?!.*\/$)[^\x00-\x20\x7f~^:?*[\\]{1,255}$/;

/** Percent-encode a field so it holds no `:` `&` `+` `;` `=` `,` (the query's and the step's separators). */
function field(segments: readonly (Buffer | string)[]): string {
  return encodePath(segments).replace(/[:&+;=,]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function formatStep(step: TrailStep): string {
  return `${field(step.rev.split("/"))}:${step.line}:${field(step.path)}`;
}

function bad(value: string, why: string): HttpError {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return new HttpError(400, "bad_request", `the blame trail step t=${shown} ${why}; follow the ladder links instead of editing them, or drop the t= parameters to start again`);
}

function parseStep(value: string): TrailStep {
  const parts = value.split(":");
  if (parts.length !== 3) throw bad(value, "is not REV:LINE:PATH");
  const [revPart, linePart, pathPart] = parts as [string, string, string];
  let rev: string;
  let path: Buffer[];
  try {
    rev = parsePath(revPart)
      .map((s) => s.toString("utf8"))
      .join("/");
    path = parsePath(pathPart);
  } catch (e) {
    if (e instanceof BadPathError) throw bad(value, `has a bad path or ref (${e.message})`);
    throw e;
  }
  if (!FULL_SHA.test(rev) && !REF_NAME.test(rev)) throw bad(value, "names no valid branch, tag or full sha");
  if (!/^[1-9]\d{0,6}$/.test(linePart)) throw bad(value, "has a line number that is not a whole number from 1");
  if (path.length === 0) throw bad(value, "names no file");
  return { rev, line: Number(linePart), path };
}

/** The raw (still percent-encoded) values of `name` in a query string. */
export function rawQueryValues(search: string, name: string): string[] {
  const out: string[] = [];
  for (const pair of search.replace(/^\?/, "").split("&")) {
    const eq = pair.indexOf("=");
    if ((eq < 0 ? pair : pair.slice(0, eq)) === name) out.push(eq < 0 ? "" : pair.slice(eq + 1));
  }
  return out;
}

/** The trail a blame URL's query carries; a malformed or over-long one is a 400 that says so. */
export function parseTrail(search: string): Trail {
  const values = rawQueryValues(search, "t");
  const omitted = values[0] === OMITTED;
  const steps = omitted ? values.slice(1) : values;
  if (steps.length > MAX_TRAIL_STEPS || steps.reduce((n, v) => n + v.length, 0) > MAX_TRAIL_CHARS) {
    throw new HttpError(400, "bad_request", `the blame trail is longer than ${MAX_TRAIL_STEPS} steps or ${MAX_TRAIL_CHARS} characters; follow the ladder links (they keep it short) or drop the t= parameters`);
  }
  return { steps: steps.map(parseStep), omitted };
}

/** The trail with `step` appended, oldest steps dropped (and marked) to stay in bounds. */
export function extendTrail(trail: Trail, step: TrailStep): Trail {
  const steps = [...trail.steps, step];
  let omitted = trail.omitted;
  const size = () => steps.reduce((n, s) => n + formatStep(s).length, 0);
  while (steps.length > 0 && (steps.length > MAX_TRAIL_STEPS || size() > MAX_TRAIL_CHARS)) {
    steps.shift();
    omitted = true;
  }
  return { steps, omitted };
}

/** `t=…&t=…` for a trail (empty for none). */
export function trailQuery(trail: Trail): string {
  const values = (trail.omitted ? [OMITTED] : []).concat(trail.steps.map(formatStep));
  return values.map((v) => `t=${v}`).join("&");
}

/** The first `n` steps of a trail: the trail a breadcrumb link to step `n` carries. */
export function trailBefore(trail: Trail, n: number): Trail {
  return { steps: trail.steps.slice(0, n), omitted: trail.omitted };
}
