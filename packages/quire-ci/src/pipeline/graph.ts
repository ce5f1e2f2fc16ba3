// Ordering of a valid pipeline: topological order with ties broken by
// declaration order, transitive ancestors (what `jobs` may read) and
// transitive dependents (what a failure skips).
import { PUSH_SOURCE, type JobSpec } from "./types.js";

/** Kahn's algorithm, always taking the earliest-declared ready job. Assumes no cycles. */
export function topologicalOrder(jobs: readonly JobSpec[]): JobSpec[] {
  const done = new Set<string>([PUSH_SOURCE]);
  const remaining = [...jobs].sort((a, b) => a.index - b.index);
  const order: JobSpec[] = [];
  while (remaining.length > 0) {
    const i = remaining.findIndex((j) => j.inputs.every((input) => done.has(input)));
    if (i < 0) throw new Error(`topologicalOrder: no ready job among ${remaining.map((j) => j.id).join(", ")}`);
    const [job] = remaining.splice(i, 1) as [JobSpec];
    order.push(job);
    done.add(job.id);
  }
  return order;
}

/** Every job id `id` transitively depends on (sources excluded). */
export function ancestorsOf(jobs: readonly JobSpec[], id: string): Set<string> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.inputs ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next) || !byId.has(next)) continue;
    seen.add(next);
    stack.push(...byId.get(next)!.inputs);
  }
  return seen;
}

/** Jobs that read `id` directly. */
export function directDependents(jobs: readonly JobSpec[], id: string): JobSpec[] {
  return jobs.filter((j) => j.inputs.includes(id));
}
