// The `quire` command line as users meet it: help on every command of the
// declaration, the version, suggestions, and completion scripts run by real
// shells against the built binary.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CommandSpec } from "@quire/cli-kit";
import { quireProgram } from "../src/cli/commands/program.js";
import { runMain } from "./cli-helpers.js";
import { commitFiles, git, quire, quireBin, serverRoot, tempDir } from "./git/git-helpers.js";
import { shellQuote } from "../src/git/hooks.js";

let data: string;
let binDir: string;
beforeAll(async () => {
  data = await tempDir("quire-cli-");
  binDir = path.join(data, "bin");
  await mkdir(binDir);
  await writeFile(path.join(binDir, "quire"), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(quireBin)} "$@"\n`);
  await chmod(path.join(binDir, "quire"), 0o755);
  expect(quire(data, ["repo", "new", "hello"]).status).toBe(0);
  expect(quire(data, ["repo", "new", "team/lib"]).status).toBe(0);
});
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
});

/** Every command path of the declaration, hidden ones included. */
function allPaths(spec: CommandSpec<unknown>, prefix: string[] = []): string[][] {
  const here = [...prefix, spec.name];
  return [here, ...(spec.subcommands ?? []).flatMap((s) => allPaths(s, here))];
}

describe("quire --help", () => {
  const paths = allPaths(quireProgram("0")).map((p) => p.slice(1));

  it.each(paths.map((p) => [p.join(" ") || "(root)", p]))("%s: --help and -h print usage and exit 0", async (_name, words) => {
    for (const flag of ["--help", "-h"]) {
      const r = await runMain([...(words as string[]), flag]);
      expect(r.code, flag).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain(`usage: ${["quire", ...(words as string[])].join(" ")}`);
    }
  });

  it("answers through the built binary too, and `quire help WORDS` is the same page", () => {
    const a = quire(data, ["ci", "runs", "--help"]);
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^quire ci runs: list runs/);
    expect(a.stdout).toMatch(/--limit N\s+show at most N runs \(default 20\)/);
    const b = quire(data, ["help", "ci", "runs"]);
    expect(b.stdout).toBe(a.stdout);
  });

  it("prints the group's page on stderr with exit 2 when a command is missing", async () => {
    const r = await runMain(["ci"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^quire ci: .*\n\nusage: quire ci <command>/);
  });
});

describe("quire --version", () => {
  it("prints the package version", () => {
    const version = (JSON.parse(readFileSync(path.join(serverRoot, "package.json"), "utf8")) as { version: string }).version;
    for (const flag of ["--version", "-V"]) {
      const r = quire(data, [flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`quire ${version}\n`);
    }
  });
});

describe("bad command lines", () => {
  it.each([
    [["sevre"], /unknown command "quire sevre"; did you mean "serve"\?/],
    [["ci", "rusn"], /unknown command "quire ci rusn"; did you mean "runs"\?/],
    [["ci", "runs", "--jsn"], /unknown option "--jsn" for quire ci runs; did you mean "--json"\?/],
    [["ci", "runs", "--limit", "0"], /--limit needs a whole number ≥ 1, got "0"/],
    [["ci", "runs", "--limit", "99999999999999999999"], /--limit is too large: at most 9007199254740991, got "99999999999999999999"/],
    [["ci", "show"], /quire ci show needs RUN/],
    [["repo", "list", "extra"], /quire repo list takes no arguments; unexpected "extra"/],
    [["completion", "bsh"], /SHELL must be one of bash, zsh, fish, got "bsh"; did you mean "bash"\?/],
  ])("%j exits 2 and says what to type", async (args, message) => {
    const r = await runMain(["--data-dir", data, ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\(see `quire[ a-z]*--help`\)\n$/);
  });
});

describe("quire completion", () => {
  const bashComplete = (line: string): string[] => {
    const script = quire(data, ["completion", "bash"]).stdout;
    const r = spawnSync(
      "bash",
      [
        "-c",
        `${script}\nread -ra COMP_WORDS <<< "$LINE"; [[ "$LINE" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _quire_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, QUIRE_DATA_DIR: data, LINE: line }, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    return r.stdout.split("\n").filter((l) => l !== "");
  };

  it("bash completes commands, subcommands, options and repository names", () => {
    expect(bashComplete("quire ")).toEqual(["serve", "repo", "ci", "mirror", "runner", "hook", "exec", "completion"]);
    expect(bashComplete("quire ci r")).toEqual(["runs", "run", "retry"]);
    expect(bashComplete("quire ci runs --j")).toEqual(["--json"]);
    expect(bashComplete("quire ci runs ")).toEqual(["hello.git", "team/lib.git"]);
    expect(bashComplete("quire completion ")).toEqual(["bash", "zsh", "fish"]);
  });

  const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;
  const shellEnv = () => ({ ...process.env, PATH: `${binDir}:${process.env.PATH}`, QUIRE_DATA_DIR: data });

  it.skipIf(!has("fish"))("fish completes from the same declaration (needs Debian's fish)", async () => {
    const file = path.join(data, "quire.fish");
    await writeFile(file, quire(data, ["completion", "fish"]).stdout);
    const r = spawnSync("fish", ["--no-config", "-c", `source ${file}; complete -C "quire ci re"; complete -C "quire repo rm t"`], { env: shellEnv(), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")).toEqual([
      "retry\tqueue a new run of the same repository, ref and sha",
      "team/lib.git",
      "",
    ]);
  });

  it.skipIf(!has("zsh"))("zsh parses its script and hands the candidates to _describe (needs Debian's zsh)", async () => {
    const file = path.join(data, "_quire");
    await writeFile(file, quire(data, ["completion", "zsh"]).stdout);
    expect(spawnSync("zsh", ["-n", file]).status).toBe(0);
    // compsys's own display function is replaced by one that prints what it is given.
    const r = spawnSync(
      "zsh",
      ["-f", "-c", `source ${file}; _describe() { print -l -- "\${(@P)2}"; }; words=(quire ci ru); CURRENT=3; _quire_complete`],
      { env: shellEnv(), encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("runs:list runs, newest first: state, ref, sha, duration\nrun:run the pipeline of the checkout you are in, locally, with live output\n");
  });
});

describe("quire ci validate and quire ci run", () => {
  it("check and run the pipeline of the checkout they are started in, from any directory inside it", async () => {
    const work = await tempDir("quire-cli-work-");
    git(work, ["init", "-q", "-b", "main"]);
    const sha = await commitFiles(
      work,
      {
        ".quire/ci.fnl": `(local ci (require :quire.ci))\n(ci.job :hi [:quire/push] (fn [{: sh : jobs}] (sh ["echo" "hi" (. (jobs :quire/push) :sha)])))\n`,
        "src/app.txt": "x\n",
      },
      "pipeline",
    );
    const v = quire(data, ["ci", "validate"], { cwd: path.join(work, "src") });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toBe(".quire/ci.fnl: 1 job\n   1. hi  ← :quire/push\n");
    const r = quire(data, ["ci", "run"], { cwd: path.join(work, ".quire") });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`quire-ci: running ${sha.slice(0, 12)} on a clean export`);
    expect(r.stdout).toContain(`│ hi ${sha}`);
    expect(git(work, ["status", "--porcelain"])).toBe("");
    const bad = quire(data, ["ci", "run", "--sha", "nope"], { cwd: work });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--sha "nope" names no commit');
    await rm(work, { recursive: true, force: true });
  });

  it("are refused over ssh: they act on the caller's checkout", () => {
    for (const command of ["quire ci run", "quire ci validate --sha HEAD"]) {
      const r = quire(data, ["exec", command]);
      expect(r.status, command).toBe(2);
      expect(r.stderr).toMatch(/works on a local checkout; it is not available over ssh/);
    }
  });
});
