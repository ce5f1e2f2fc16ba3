import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { UsageError } from "./errors.js";
import { demo } from "../test/demo-program.js";
import { parseCommandLine, type ParseResult } from "./parse.js";
import type { ProgramSpec } from "./spec.js";

function run(argv: string[], globals = true) {
  const r = parseCommandLine(demo, argv, { globals });
  if (r.kind !== "run") throw new Error(`expected a command, got ${r.kind}`);
  return r;
}

function usage(argv: string[], globals = true): string {
  try {
    parseCommandLine(demo, argv, { globals });
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe("parseCommandLine", () => {
  it("resolves nested commands and aliases, with values by declared name", () => {
    const r = run(["ci", "runs", "team/lib", "--json", "--limit=5", "-j", "3", "--color", "never"]);
    expect(r.path.map((c) => c.name)).toEqual(["demo", "ci", "runs"]);
    expect(r.input.command).toBe("demo ci runs");
    expect(r.input.arg("repo")).toBe("team/lib");
    expect(r.input.flag("json")).toBe(true);
    expect(r.input.int("limit")).toBe(5);
    expect(r.input.int("jobs")).toBe(3);
    expect(r.input.string("color")).toBe("never");
    expect(run(["repo", "ls"]).command.name).toBe("list");
  });

  it("applies defaults and leaves absent options undefined", () => {
    const r = run(["ci", "runs"]);
    expect(r.input.int("limit")).toBe(20);
    expect(r.input.flag("json")).toBe(false);
    expect(r.input.arg("repo")).toBeUndefined();
    expect(() => r.input.flag("nope")).toThrow(/declares no option --nope/);
    expect(() => r.input.arg("nope")).toThrow(/declares no argument NOPE/);
  });

  it("takes global options before, between and after command words", () => {
    for (const argv of [
      ["--data-dir", "/d", "ci", "runs"],
      ["ci", "--data-dir=/d", "runs"],
      ["ci", "runs", "--data-dir", "/d"],
    ]) {
      expect(run(argv).globals.get("data-dir"), argv.join(" ")).toBe("/d");
    }
  });

  it("gives help for -h and --help anywhere, for `help WORDS`, and for a bare group", () => {
    const names = (r: ParseResult<string>) => (r.kind === "help" ? [r.requested, ...r.path.map((c) => c.name)] : r.kind);
    expect(names(parseCommandLine(demo, ["ci", "runs", "--json", "-h"]))).toEqual([true, "demo", "ci", "runs"]);
    expect(names(parseCommandLine(demo, ["--help", "ci"]))).toEqual([true, "demo", "ci"]);
    expect(names(parseCommandLine(demo, ["ci", "--help"]))).toEqual([true, "demo", "ci"]);
    expect(names(parseCommandLine(demo, ["help", "repo", "list"]))).toEqual([true, "demo", "repo", "list"]);
    expect(names(parseCommandLine(demo, ["ci"]))).toEqual([false, "demo", "ci"]);
    expect(names(parseCommandLine(demo, []))).toEqual([false, "demo"]);
    expect(parseCommandLine(demo, ["--version"]).kind).toBe("version");
    expect(parseCommandLine(demo, ["-V"]).kind).toBe("version");
  });

  it("suggests the nearest command, option and choice", () => {
    expect(usage(["ci", "rusn"])).toBe('unknown command "demo ci rusn"; did you mean "runs"?');
    expect(usage(["ci", "runs", "--jsn"])).toBe('unknown option "--jsn" for demo ci runs; did you mean "--json"?');
    expect(usage(["ci", "runs", "--lim", "3"])).toMatch(/did you mean "--limit"\?/);
    expect(usage(["repo", "run", "--dirt"])).toMatch(/did you mean "--dirty"\?/);
    expect(usage(["completion", "bsh"])).toBe('SHELL must be one of bash, zsh, fish, got "bsh"; did you mean "bash"?');
    expect(usage(["ci", "runs", "--color", "nevr"])).toMatch(/--color must be one of auto, always, never, got "nevr"; did you mean "never"\?/);
    expect(usage(["frobnicate"])).toBe('unknown command "demo frobnicate"');
    expect(usage(["secrt"])).not.toMatch(/secret/);
  });

  it("validates values and argument counts with what to type", () => {
    expect(usage(["ci", "runs", "--limit", "0"])).toBe('--limit needs a whole number ≥ 1, got "0"');
    expect(usage(["ci", "runs", "--limit", "99999999999999999999"])).toBe('--limit is too large: at most 9007199254740991, got "99999999999999999999"');
    expect(usage(["ci", "runs", "-j", "65"])).toBe('--jobs needs a whole number 1–64, got "65"');
    expect(usage(["ci", "runs", "--limit"])).toBe("--limit needs a value: --limit N");
    expect(usage(["ci", "runs", "--json=yes"])).toMatch(/--json takes no value/);
    expect(usage(["ci", "show"])).toBe("demo ci show needs RUN (a run id): demo ci show RUN");
    expect(usage(["ci", "show", "a", "b"])).toBe('demo ci show takes RUN (a run id); unexpected "b"');
    expect(usage(["repo", "list", "x"])).toBe('demo repo list takes no arguments; unexpected "x"');
    expect(run(["repo", "hooks", "a", "b"]).input.args("names")).toEqual(["a", "b"]);
    expect(run(["repo", "hooks"]).input.args("names")).toEqual([]);
  });

  it("reads everything after `--` as positional", () => {
    expect(run(["ci", "show", "--", "--json"]).input.arg("run")).toBe("--json");
  });

  it("passes a raw command's words through untouched, help only when alone", () => {
    expect(run(["exec", "--data-dir=/x"]).input.arg("command")).toBe("--data-dir=/x");
    expect(run(["--data-dir", "/srv", "exec", "git-upload-pack x"]).globals.get("data-dir")).toBe("/srv");
    expect(parseCommandLine(demo, ["exec", "--help"]).kind).toBe("help");
    expect(usage(["exec"])).toMatch(/demo exec needs COMMAND/);
  });

  it("treats global options as unknown when told to", () => {
    expect(usage(["ci", "runs", "--data-dir", "/x"], false)).toMatch(/unknown option "--data-dir"/);
    expect(run(["ci", "runs"], false).globals.size).toBe(0);
  });

  it("never fails with anything but a UsageError, whatever the words", () => {
    const word = fc.oneof(
      fc.constantFrom("ci", "runs", "show", "repo", "ls", "hooks", "run", "exec", "help", "completion", "--", "-", "-h", "--help", "--json", "--limit", "-j", "-jd", "--color", "--data-dir", "--dirty", "-d", "--version"),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), fc.boolean(), (argv, globals) => {
        try {
          parseCommandLine(demo, argv, { globals });
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("UsageError", () => {
  it("is recognised across copies of the kit by its brand", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("@quire/cli-kit:UsageError")]: true });
    expect(foreign instanceof UsageError).toBe(true);
    expect(new Error("y") instanceof UsageError).toBe(false);
    expect(new UsageError("z") instanceof Error).toBe(true);
  });
});

describe("a group that also runs by itself", () => {
  const tool: ProgramSpec<string> = {
    name: "tool",
    version: "1",
    summary: "a tool",
    options: { events: { kind: "string", value: "FILE", summary: "events" } },
    load: async () => "server",
    subcommands: [{ name: "check", summary: "check", positionals: [{ name: "dir", summary: "dir" }], load: async () => "check" }],
  };

  it("takes its own options in place of a command word, and runs with none", () => {
    const own = parseCommandLine(tool, ["--events", "e.jsonl"]);
    expect(own.kind === "run" && [own.command.name, own.input.string("events")]).toEqual(["tool", "e.jsonl"]);
    const bare = parseCommandLine(tool, []);
    expect(bare.kind === "run" && bare.command.name).toBe("tool");
    const sub = parseCommandLine(tool, ["check", "x"]);
    expect(sub.kind === "run" && [sub.command.name, sub.input.arg("dir")]).toEqual(["check", "x"]);
    expect(parseCommandLine(tool, ["--help"]).kind).toBe("help");
    expect(parseCommandLine(tool, ["--version"]).kind).toBe("version");
    expect(() => parseCommandLine(tool, ["--event", "x"])).toThrow(/unknown option "--event" for tool; did you mean "--events"\?/);
    expect(() => parseCommandLine(tool, ["chek"])).toThrow(/unknown command "tool chek"; did you mean "check"\?/);
  });
});
