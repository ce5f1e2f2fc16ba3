// `quire-ci run` and `quire-ci check` on real git checkouts, through the built
// program: exit codes, plain output when not a TTY, :quire/push from HEAD,
// local secrets, the job graph, and every problem reported with its position.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { BIN, FIXTURES, gitCommitAll, logLines, readEvents, tempDir, workspaceFrom, workspaceWith } from "./helpers.js";

function quireCi(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("quire-ci run", () => {
  test("runs a checkout's pipeline with :quire/push from HEAD and exits 0", () => {
    const ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :info [:quire/push]
  (fn [{: jobs : write-file : sh}]
    (let [push (jobs :quire/push)]
      (sh "echo hello from the checkout")
      (write-file "push.txt" (.. push.sha " " push.ref " " push.branch " " push.commit-message " " push.repo)))))
`);
    const sha = gitCommitAll(ws, "the first commit");
    const out = tempDir("quire-ci-out-");
    const r = quireCi(["run", ws, "--out-dir", out, "--events", path.join(out, "events.jsonl")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(ws, "push.txt"), "utf8")).toBe(`${sha} refs/heads/main main the first commit ${path.basename(ws)}`);
    expect(r.stdout).toContain("▶ info");
    expect(r.stdout).toContain("$ echo hello from the checkout");
    expect(r.stdout).toContain("│ hello from the checkout");
    expect(r.stdout).toContain("✓ info");
    expect(r.stdout).toMatch(/run success: 1 job, 1 complete, 0 failed, 0 skipped/);
    expect(r.stdout).not.toContain("\x1b["); // not a TTY: no colour
    expect(readEvents(path.join(out, "events.jsonl")).at(-1)).toMatchObject({ outcome: "success" });
    expect(logLines(path.join(out, "jobs", "info", "sh-1.log"))).toContain("stdout hello from the checkout");
  });

  test("a failing run exits 1 and says which job failed; secrets from QUIRE_SECRET_* are redacted", () => {
    const ws = workspaceFrom(path.join(FIXTURES, "redaction"));
    gitCommitAll(ws);
    const r = quireCi(["run", "--color"], { cwd: ws, env: { QUIRE_SECRET_DEPLOY_TOKEN: "s3cr3t-value-42" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("\x1b[");
    expect(r.stdout).toContain("{{ deploy-token }}");
    expect(r.stdout + r.stderr).not.toContain("s3cr3t-value-42");
    expect(r.stdout).toContain('job "deploy" failed');
  });

  test("a directory without a commit is refused with a clear message", () => {
    const ws = workspaceWith(`(local ci (require :quire.ci))\n(ci.job :x [:quire/push] (fn [] nil))\n`);
    const r = quireCi(["run", ws]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not a git checkout with a commit");
  });

  test("commands started through the spawn helper and directly leave the same record", () => {
    const ws = workspaceFrom(path.join(FIXTURES, "typical"));
    gitCommitAll(ws);
    const records = ["helper", "direct"].map((mode) => {
      const out = tempDir("quire-ci-out-");
      const r = quireCi(["run", ws, "--out-dir", out, "--events", path.join(out, "events.jsonl")], { env: { QUIRE_CI_SPAWN: mode } });
      expect(r.code, r.stderr).toBe(0);
      const events = readEvents(path.join(out, "events.jsonl")).map(({ seq, at_ms, ...rest }) => rest);
      const logs = fs
        .readdirSync(path.join(out, "jobs"), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".log"))
        .sort()
        .map((f) => [f, logLines(path.join(out, "jobs", f))]);
      return { events, logs };
    });
    expect(records[0]).toEqual(records[1]);
    expect(records[0]!.logs.length).toBeGreaterThan(5);
  });

  test("parallel jobs with -j 2", () => {
    const ws = workspaceFrom(path.join(FIXTURES, "parallel"));
    gitCommitAll(ws);
    const r = quireCi(["run", ws, "-j", "2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("waiter");
  });

  test("macros in ci.fnl and .quire/lib modules work from the built program, errors at their .fnl lines", () => {
    const ws = workspaceFrom(path.join(FIXTURES, "lib-errors-and-macros"));
    gitCommitAll(ws);
    const r = quireCi(["run", ws]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("│ made by a macro");
    expect(r.stdout).toContain(".quire/lib/boom.fnl:5: kaboom");
    expect(r.stdout).toContain(".quire/ci.fnl:14: module 'nowhere' not found");
  });
});

describe("quire-ci check", () => {
  test("prints the job graph in execution order", () => {
    const ws = workspaceWith(`(local ci (require :quire.ci))
(ci.image "node:20")
(ci.job :deploy [:build :test] (fn [] nil) {:timeout 60})
(ci.job :build [:quire/push] (fn [] nil))
(ci.job :lint [:quire/push] (fn [] nil) {:allow-failure true})
(ci.job :test [:build] (fn [] nil))
`);
    const r = quireCi(["check", ws]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        ".quire/ci.fnl: 4 jobs (image node:20)",
        "   1. build   ← :quire/push",
        "   2. lint    ← :quire/push  [allow-failure]",
        "   3. test    ← build",
        "   4. deploy  ← build, test  [timeout 60s]",
        "",
      ].join("\n"),
    );
  });

  test("reports every problem with its position and exits 1", () => {
    const ws = workspaceFrom(path.join(FIXTURES, "invalid-graph"));
    const r = quireCi(["check"], { cwd: ws });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('.quire/ci.fnl:4:0: Job "typo" has input "biuld", which names no job');
    expect(r.stderr).toContain(".quire/ci.fnl:6:0: Jobs form a cycle: ping → pong → ping");
    expect(r.stderr).toContain('.quire/ci.fnl:9:0: Job "downstream" is not reachable from :quire/push');
    expect(r.stderr).toContain("  * every job must lead back to :quire/push through its inputs");
    expect(r.stderr).toContain("5 problems in .quire/ci.fnl");
  });

  test("syntax errors carry .quire/ci.fnl:line:col", () => {
    const ws = workspaceFrom(path.join(FIXTURES, "syntax-error"));
    const r = quireCi(["check", ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\.quire\/ci\.fnl:\d+:\d+: Parse error: expected closing delimiter \)/);
  });

  test("a missing pipeline and unknown commands are reported", () => {
    const empty = tempDir("quire-ci-empty-");
    const r = quireCi(["check", empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(".quire/ci.fnl is missing");
    const u = quireCi(["frobnicate"]);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('unknown command "quire-ci frobnicate"');
    const h = quireCi(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^ {2}check {2}compile and validate/m);
    for (const words of [["run", "--help"], ["run", "-h"], ["check", "--help"], ["check", "-h"]]) {
      const r = quireCi(words);
      expect(r.code, words.join(" ")).toBe(0);
      expect(r.stdout).toContain(`usage: quire-ci ${words[0]} [DIR] [options]`);
    }
    const typo = quireCi(["run", "--jbos", "2"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown option "--jbos" for quire-ci run; did you mean "--jobs"?');
    expect(quireCi(["--version"]).stdout).toMatch(/^quire-ci \d+\.\d+\.\d+\n$/);
  });
});
