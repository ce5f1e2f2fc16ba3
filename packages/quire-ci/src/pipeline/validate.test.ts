import { describe, expect, test } from "vitest";
import { topologicalOrder, ancestorsOf } from "./graph.js";
import type { JobSpec } from "./types.js";
import { validateGraph } from "./validate.js";

function job(id: string, inputs: string[], index: number): JobSpec {
  return { id, index, inputs, allowFailure: false, pos: { file: "ci.fnl", line: index, col: 0 } };
}

describe("validateGraph", () => {
  test("a valid graph has no problems", () => {
    expect(validateGraph([job("a", ["quire/push"], 1), job("b", ["a"], 2)])).toEqual([]);
  });

  test("collects unknown inputs, cycles and orphans together", () => {
    const problems = validateGraph(
      [job("a", ["quire/push"], 1), job("b", ["nope"], 2), job("c", ["d"], 3), job("d", ["c"], 4), job("e", ["c"], 5)],
    ).map((d) => `${d.line}: ${d.message}`);
    expect(problems).toEqual([
      '2: Job "b" has input "nope", which names no job',
      "3: Jobs form a cycle: c → d → c (each takes the next as input)",
      '5: Job "e" is not reachable from :quire/push (inputs: :c)',
    ]);
  });

  test("an empty pipeline is valid", () => {
    expect(validateGraph([])).toEqual([]);
  });
});

describe("graph", () => {
  test("topological order breaks ties by declaration order", () => {
    const jobs = [job("deploy", ["test", "build"], 1), job("build", ["quire/push"], 2), job("lint", ["quire/push"], 3), job("test", ["build"], 4)];
    expect(topologicalOrder(jobs).map((j) => j.id)).toEqual(["build", "lint", "test", "deploy"]);
  });

  test("ancestors are transitive and exclude sources", () => {
    const jobs = [job("a", ["quire/push"], 1), job("b", ["a"], 2), job("c", ["b"], 3), job("x", ["quire/push"], 4)];
    expect([...ancestorsOf(jobs, "c")].sort()).toEqual(["a", "b"]);
    expect([...ancestorsOf(jobs, "a")]).toEqual([]);
  });
});
