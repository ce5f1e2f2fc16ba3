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
      (write-file "push.txt" (.. push.sha " " push.ref " " push.branch " " push.commit-message " " push.repo))
      (sh "cat push.txt"))))
`);
    const sha = gitCommitAll(ws, "the first commit");
    const out = tempDir("quire-ci-out-");
    const r = quireCi(["run", ws, "--out-dir", out, "--events", path.join(out, "events.jsonl")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^quire-ci: running ${sha.slice(0, 12)} on a clean export \\(git archive\\) in \\S+/workspace; --dirty runs the working tree instead\n`));
    expect(logLines(path.join(out, "jobs", "info", "sh-2.log"))).toContain(`stdout ${sha} refs/heads/main main the first commit ${path.basename(ws)}`);
    expect(fs.existsSync(path.join(ws, "push.txt"))).toBe(false);
    expect(r.stdout).toContain("▶ info");
    expect(r.stdout).toContain("$ echo hello from the checkout");
    expect(r.stdout).toContain("│ hello from the checkout");
    expect(r.stdout).toContain("✓ info");
    expect(r.stdout).toMatch(/run success: 1 job, 1 complete, 0 failed, 0 skipped/);
    expect(r.stdout).not.toContain("\x1b["); // not a TTY: no colour
    expect(readEvents(path.join(out, "events.jsonl")).at(-1)).toMatchObject({ outcome: "success" });
    expect(logLines(path.join(out, "jobs", "info", "sh-1.log"))).toContain("stdout hello from the checkout");
  });

  test("leaves the checkout as it was: no detached HEAD, no untracked files, the export removed", () => {
    // Upstream's worked example checks out the pushed sha and builds into dist/.
    const ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :build [:quire/push]
  (fn [{: jobs : sh}]
    (let [push (jobs :quire/push)]
      (sh ["git" "checkout" push.sha])
      (sh "mkdir -p dist && echo built > dist/out.txt && echo lock > app.lock && pwd"))))
`);
    gitCommitAll(ws);
    const out = tempDir("quire-ci-out-");
    const r = quireCi(["run", "--out-dir", out], { cwd: ws });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const git = (...args: string[]) => spawnSync("git", ["-C", ws, ...args], { encoding: "utf8" }).stdout;
    expect(git("status", "--porcelain", "--untracked-files=all")).toBe("");
    expect(git("symbolic-ref", "HEAD").trim()).toBe("refs/heads/main");
    const exported = logLines(path.join(out, "jobs", "build", "sh-2.log")).join("\n").match(/stdout (\/\S+)/)![1]!;
    expect(exported).not.toBe(ws);
    expect(exported.endsWith("/workspace")).toBe(true);
    expect(fs.existsSync(exported)).toBe(false);
  });

  test("runs the commit, not uncommitted edits; --dirty runs the working tree and says so", () => {
    const ws = workspaceWith(`(local ci (require :quire.ci))\n(ci.job :v [:quire/push] (fn [{: sh}] (sh "echo committed")))\n`);
    gitCommitAll(ws);
    fs.writeFileSync(path.join(ws, ".quire", "ci.fnl"), `(local ci (require :quire.ci))\n(ci.job :v [:quire/push] (fn [{: sh : write-file}] (write-file "dirty.txt" "yes") (sh "echo edited")))\n`);
    const clean = quireCi(["run"], { cwd: ws });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("│ committed");
    const dirty = quireCi(["run", "--dirty"], { cwd: ws });
    expect(dirty.code).toBe(0);
    expect(dirty.stdout).toContain(`quire-ci: running the working tree ${ws} as it is (--dirty): uncommitted changes are in, and the pipeline's commands change your files`);
    expect(dirty.stdout).toContain("│ edited");
    expect(fs.readFileSync(path.join(ws, "dirty.txt"), "utf8")).toBe("yes");
    const both = quireCi(["run", "--dirty", "--sha", "HEAD"], { cwd: ws });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--dirty uses the working tree and --sha a commit: give one of them");
  });

  test("finds the checkout from .quire/ or any subdirectory, and runs an older commit with --sha", () => {
    const ws = workspaceWith(`(local ci (require :quire.ci))\n(ci.job :v [:quire/push] (fn [{: sh : jobs}] (sh (.. "echo sha " (. (jobs :quire/push) :sha)))))\n`, { "src/deep/x.txt": "x" });
    const first = gitCommitAll(ws);
    fs.writeFileSync(path.join(ws, "src", "deep", "x.txt"), "y");
    spawnSync("git", ["-C", ws, "commit", "-qam", "second"], { env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" } });
    for (const sub of [".quire", "src/deep"]) {
      const r = quireCi(["run"], { cwd: path.join(ws, sub) });
      expect(r.code, `${sub}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/│ sha [0-9a-f]{40}/);
      const c = quireCi(["check"], { cwd: path.join(ws, sub) });
      expect(c.stdout).toContain(".quire/ci.fnl: 1 job");
    }
    const old = quireCi(["run", "--sha", first.slice(0, 10)], { cwd: ws });
    expect(old.code).toBe(0);
    expect(old.stdout).toContain(`│ sha ${first}`);
    const missing = quireCi(["run", "--sha", "no-such-rev"], { cwd: ws });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--sha "no-such-rev" names no commit in');
  });

  test("a pipeline that registers no jobs succeeds with a visible note, in run and check", () => {
    const ws = workspaceWith(`(local {: job} (require :quire.ci))\n; (job :test [:quire/push] (fn [{: sh}] (sh "make test")))\n`);
    gitCommitAll(ws);
    const r = quireCi(["run"], { cwd: ws });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/run success: 0 jobs, 0 complete, 0 failed, 0 skipped \([\d.]+s\)\n {2}no jobs registered \(\.quire\/ci\.fnl calls no ci\.job\)\n/);
    const c = quireCi(["check"], { cwd: ws });
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(".quire/ci.fnl: no jobs registered (.quire/ci.fnl calls no ci.job)\n");
  });

  test("a missing secret says which variable provides it; a short one is warned about at first use", () => {
    const ws = workspaceWith(`(local ci (require :quire.ci))
(ci.job :short [:quire/push] (fn [{: secret : sh}] (secret :pin) (secret :pin) (sh "true")))
(ci.job :missing [:quire/push] (fn [{: secret}] (secret :deploy-token)))
`);
    gitCommitAll(ws);
    const out = tempDir("quire-ci-out-");
    const r = quireCi(["run", "--out-dir", out], { cwd: ws, env: { QUIRE_SECRET_PIN: "1234" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('secret: no secret named "deploy-token"; known secrets: pin; a local run reads secrets from the environment: set QUIRE_SECRET_DEPLOY_TOKEN=… (e.g. QUIRE_SECRET_DEPLOY_TOKEN=value quire-ci run)');
    const log = logLines(path.join(out, "jobs", "short", "log.log")).join("\n");
    expect(log.match(/warning: secret "pin" is shorter than 8 bytes, so it is not redacted from logs, commands or events; use a longer value/g)).toHaveLength(1);
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
    expect(r.stderr).toContain("is not inside a git checkout; a local run reads .quire/ci.fnl and :quire/push from a commit");
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

  test("an sh that printed nothing and exited 0 leaves no log; one that printed, or failed, has its log", () => {
    const ws = workspaceWith(
      `(local ci (require :quire.ci))
(ci.job :j [:quire/push]
  (fn [{: sh}]
    (sh "true")
    (sh "printf partial")
    (sh "echo to-stderr >&2")
    (sh "exit 3")))
`,
    );
    gitCommitAll(ws);
    const out = tempDir("quire-ci-out-");
    const r = quireCi(["run", ws, "--out-dir", out, "--events", path.join(out, "events.jsonl")]);
    expect(r.code, r.stderr).toBe(1);
    const dir = path.join(out, "jobs", "j");
    expect(fs.readdirSync(dir).sort()).toEqual(["sh-2.log", "sh-3.log", "sh-4.log"]);
    expect(logLines(path.join(dir, "sh-2.log"))).toEqual(["stdout partial"]);
    expect(logLines(path.join(dir, "sh-3.log"))).toEqual(["stderr to-stderr"]);
    expect(logLines(path.join(dir, "sh-4.log"))).toEqual([]);
    expect(readEvents(path.join(out, "events.jsonl")).filter((e) => e.type === "sh_finished")).toHaveLength(4);
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
