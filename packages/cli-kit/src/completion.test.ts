import { describe, expect, it } from "vitest";
import { demo } from "../test/demo-program.js";
import { completeWords, formatCompletion } from "./completion.js";

const values = (r: Awaited<ReturnType<typeof completeWords>>) => ("candidates" in r ? r.candidates.map((c) => c.value) : r.directive);

describe("completeWords", () => {
  it("completes commands, then subcommands, without hidden ones", async () => {
    expect(values(await completeWords(demo, [""]))).toEqual(["ci", "repo", "exec", "completion"]);
    expect(values(await completeWords(demo, ["c"]))).toEqual(["ci", "completion"]);
    expect(values(await completeWords(demo, ["ci", ""]))).toEqual(["runs", "show"]);
    expect(values(await completeWords(demo, ["--data-dir", "/d", "ci", "r"]))).toEqual(["runs"]);
  });

  it("completes options with their summaries, globals included", async () => {
    const r = await completeWords(demo, ["ci", "runs", "--"]);
    expect(values(r)).toEqual(["--json", "--limit", "--jobs", "--color", "--data-dir", "--help"]);
    expect(formatCompletion(await completeWords(demo, ["ci", "runs", "--j"]))).toBe("--json\tprint JSON\n--jobs\tparallel jobs\n");
  });

  it("completes option values and positionals from choices, paths or the program", async () => {
    expect(values(await completeWords(demo, ["ci", "runs", "--color", "a"]))).toEqual(["auto", "always"]);
    expect(values(await completeWords(demo, ["--data-dir", ""]))).toBe("dir");
    expect(values(await completeWords(demo, ["completion", ""]))).toEqual(["bash", "zsh", "fish"]);
    const seen: [string, string | undefined][] = [];
    const dynamic = async (kind: string, globals: ReadonlyMap<string, string>) => {
      seen.push([kind, globals.get("data-dir")]);
      return ["hello.git", "team/lib.git"];
    };
    expect(values(await completeWords(demo, ["--data-dir=/d", "ci", "runs", "t"], dynamic))).toEqual(["team/lib.git"]);
    expect(seen).toEqual([["repo", "/d"]]);
    expect(values(await completeWords(demo, ["ci", "runs", "x", ""], dynamic))).toEqual([]);
    expect(formatCompletion(await completeWords(demo, ["--data-dir", ""]))).toBe(":dir\n");
  });

  it("offers nothing inside a raw command or after an unknown word", async () => {
    expect(values(await completeWords(demo, ["exec", ""]))).toEqual([]);
    expect(values(await completeWords(demo, ["nope", ""]))).toEqual([]);
  });
});
