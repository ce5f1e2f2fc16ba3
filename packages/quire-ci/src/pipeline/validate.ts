// Graph checks of SPEC §4 over registered jobs, all collected: inputs that
// name nothing, cycles (named), jobs unreachable from a source (named). A
// pipeline with no jobs is valid (its run succeeds with a note, as upstream
// quire's own pipeline does). Per-call checks (ids, options) live in register.ts.
import type { Diagnostic } from "../errors.js";
import { PUSH_SOURCE, type JobSpec } from "./types.js";

export function validateGraph(jobs: readonly JobSpec[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const flagged = new Set<string>();
  for (const job of jobs) {
    for (const input of job.inputs) {
      if (input === PUSH_SOURCE || byId.has(input)) continue;
      flagged.add(job.id);
      const known = jobs.filter((j) => j.id !== job.id).map((j) => `:${j.id}`);
      diagnostics.push({
        ...job.pos,
        message: input.includes("/")
          ? `Job "${job.id}" has input "${input}", which is not a source: the only source is :quire/push`
          : `Job "${job.id}" has input "${input}", which names no job`,
        hint: `inputs are :quire/push or a job id${known.length > 0 ? ` (${known.slice(0, 8).join(" ")})` : ""}`,
      });
    }
  }

  for (const cycle of findCycles(jobs, byId)) {
    cycle.forEach((id) => flagged.add(id));
    const first = byId.get(cycle[0]!)!;
    diagnostics.push({
      ...first.pos,
      message: `Jobs form a cycle: ${[...cycle, cycle[0]].join(" → ")} (each takes the next as input)`,
      hint: "a job cannot depend on itself, directly or through other jobs; remove one of these inputs",
    });
  }

  const reachable = new Set<string>([PUSH_SOURCE]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const job of jobs) {
      if (reachable.has(job.id) || job.inputs.length === 0) continue;
      if (job.inputs.some((i) => reachable.has(i))) {
        reachable.add(job.id);
        grew = true;
      }
    }
  }
  const orphans = jobs.filter((j) => !reachable.has(j.id) && j.inputs.length > 0 && !flagged.has(j.id));
  for (const job of orphans) {
    diagnostics.push({
      ...job.pos,
      message: `Job "${job.id}" is not reachable from :quire/push (inputs: ${job.inputs.map((i) => ":" + i).join(" ")})`,
      hint: "every job must lead back to :quire/push through its inputs",
    });
  }
  return diagnostics;
}

/** Each elementary cycle reported once, as found by DFS, in declaration order. */
function findCycles(jobs: readonly JobSpec[], byId: Map<string, JobSpec>): string[][] {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[][] = [];
  const path: string[] = [];
  const visit = (id: string): void => {
    state.set(id, "visiting");
    path.push(id);
    for (const input of byId.get(id)!.inputs) {
      if (!byId.has(input)) continue;
      const s = state.get(input);
      if (s === "visiting") {
        // The cycle runs input → … → id → input along the dependency edges; show it in run order.
        const cycle = path.slice(path.indexOf(input));
        cycles.push(cycle);
      } else if (s === undefined) {
        visit(input);
      }
    }
    path.pop();
    state.set(id, "done");
  };
  for (const job of jobs) if (!state.has(job.id)) visit(job.id);
  return cycles;
}
