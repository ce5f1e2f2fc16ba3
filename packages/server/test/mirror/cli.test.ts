// `quire mirror push|status` and `quire ci prune` through the built binary,
// on a data directory with a real repository, a bare target over file:// and
// runs in a real database; `quire mirror push` also through `quire exec`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase } from "../../src/db/open.js";
import { createRun } from "../../src/runs/create.js";
import { runDirs } from "../../src/runs/spawn.js";
import { transitionRun } from "../../src/runs/transition.js";
import { commitFiles, git, quire, tempDir, workTree } from "../git/git-helpers.js";
import { runInput } from "../helpers.js";

let data: string;
let work: string;
let backup: string;
const cleanup: string[] = [];

beforeAll(async () => {
  data = await tempDir("quire-mirror-cli-");
  cleanup.push(data);
  expect(quire(data, ["repo", "new", "hello"]).status).toBe(0);
  backup = path.join(data, "backup", "hello.git");
  git(data, ["init", "-q", "--bare", "-b", "main", backup]);
  await writeFile(path.join(data, "config.fnl"), `{:mirrors {"file://${data}/backup/{name}.git" true}}\n`);
  work = await workTree(path.join(data, "repos", "hello.git"));
  cleanup.push(work);
  await commitFiles(work, { "README.md": "hello\n" }, "first");
  git(work, ["push", "-q", "origin", "main"]);
  git(work, ["tag", "v1.0"]);
  git(work, ["push", "-q", "origin", "v1.0"]);
});
afterAll(async () => {
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

describe("quire mirror", () => {
  it("status lists a declared target that was never tried", () => {
    const r = quire(data, ["mirror", "status", "hello"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`hello.git → file://${backup}\n  never attempted\n`);
  });

  it("push sends every ref, prints each target's result, and status shows it", () => {
    const r = quire(data, ["mirror", "push", "hello"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`hello.git → file://${backup}: ok (refs/heads/main pushed, refs/tags/v1.0 pushed)\n`);
    expect(git(backup, ["rev-parse", "main"]).trim()).toBe(git(work, ["rev-parse", "main"]).trim());
    const status = quire(data, ["mirror", "status", "--json"]);
    expect(status.status).toBe(0);
    const rows = JSON.parse(status.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      repo: "hello.git",
      url: `file://${backup}`,
      secret: null,
      refs_filter: null,
      deletions: false,
      declared: null,
      outcome: "ok",
      error: null,
      failures: 0,
      pending_refs: [],
      next_attempt_at_ms: null,
      refs: [
        { ref: "refs/heads/main", status: "pushed", detail: "[new branch]" },
        { ref: "refs/tags/v1.0", status: "pushed", detail: "[new tag]" },
      ],
    });
    expect(rows[0]!.finished_at_ms).toBe(rows[0]!.last_ok_at_ms);
    const text = quire(data, ["mirror", "status"]);
    expect(text.stdout).toMatch(new RegExp(`^hello\\.git → file://.*\\n  ok at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\([\\d.]+m?s\\): refs/heads/main pushed, refs/tags/v1\\.0 pushed\\n$`));
  });

  it("push of one ref, by its short name, with --json", () => {
    const r = quire(data, ["mirror", "push", "hello", "main", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      repo: "hello.git",
      ref: "refs/heads/main",
      targets: [{ url: `file://${backup}`, outcome: "ok", error: null, refs: [{ ref: "refs/heads/main", status: "up-to-date" }] }],
      untouched: [],
    });
  });

  it("a diverged target needs a human: exit 1, nothing forced", async () => {
    const other = await workTree(backup);
    cleanup.push(other);
    git(other, ["pull", "-q", "origin", "main"]);
    const theirs = await commitFiles(other, { THEIRS: "x\n" }, "on the mirror");
    git(other, ["push", "-q", "origin", "HEAD:main"]);
    await commitFiles(work, { OURS: "y\n" }, "here");
    git(work, ["push", "-q", "origin", "main"]);
    const r = quire(data, ["mirror", "push", "hello", "refs/heads/main"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/: needs a human \(refs\/heads\/main diverged\): refs\/heads\/main: the target has commits this repository lacks .* quire never forces/);
    expect(git(backup, ["rev-parse", "main"]).trim()).toBe(theirs);
    expect(quire(data, ["mirror", "status", "hello"]).stdout).toMatch(/  NEEDS A HUMAN at /);
    // Reconciled by a person (here: the mirror reset to ours), a push by hand goes through.
    git(backup, ["update-ref", "refs/heads/main", git(work, ["rev-parse", "HEAD~1"]).trim()]);
    expect(quire(data, ["mirror", "push", "hello", "main"]).status).toBe(0);
  });

  it("says clearly what is wrong: unknown repo, unknown ref, no targets", () => {
    const missing = quire(data, ["mirror", "push", "nope"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no repository "nope\.git": create it first/);
    const ref = quire(data, ["mirror", "push", "hello", "nosuch"]);
    expect(ref.status).toBe(1);
    expect(ref.stderr).toMatch(/no ref "nosuch" in the repository: give a branch, a tag or a full ref name/);
    const usage = quire(data, ["mirror", "push"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/repo/);
  });

  it("a repository without targets is told so, on a data directory without global mirrors", async () => {
    const other = await tempDir("quire-mirror-none-");
    cleanup.push(other);
    expect(quire(other, ["repo", "new", "lonely"]).status).toBe(0);
    const none = quire(other, ["mirror", "push", "lonely"]);
    expect(none.status).toBe(1);
    expect(none.stderr).toBe("quire mirror push: lonely.git has no mirror targets: declare :mirrors in its .quire/config.fnl or in config.fnl\n");
    const status = quire(other, ["mirror", "status", "lonely"]);
    expect(status.status).toBe(0);
    expect(status.stderr).toBe("lonely.git has no mirror targets and no mirror pushes yet\n");
  });

  it("push works over quire exec, and refuses what the allowlist does not take", () => {
    const r = quire(data, ["exec", "quire mirror push hello.git main"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^hello\.git → file:\/\/.*: ok \(refs\/heads\/main up-to-date\)\n$/);
    for (const [command, message] of [
      ["quire mirror push hello.git main --force", /"--force" is not allowed over ssh/],
      ["quire mirror status", /only `quire mirror push REPO \[REF\]` is allowed over ssh/],
      ["quire mirror push ../hello.git", /invalid repository name/],
    ] as const) {
      const refused = quire(data, ["exec", command]);
      expect(refused.status, command).toBe(1);
      expect(refused.stderr, command).toMatch(/^quire: refused: /);
      expect(refused.stderr, command).toMatch(message);
    }
  });
});

describe("quire ci prune", () => {
  it("--dry-run lists what would go and the bytes; without it, they go", () => {
    const db = openDatabase(path.join(data, "quire.db"));
    const DAY = 86_400_000;
    const now = Date.now();
    const ids: string[] = [];
    try {
      for (const daysAgo of [200, 150, 1]) {
        const t = now - daysAgo * DAY;
        const { run } = createRun(db, { ...runInput("hello.git", "refs/heads/main"), nowMs: t - 10 });
        transitionRun(db, run.id, "pending", "active", { nowMs: t - 5 });
        transitionRun(db, run.id, "active", "complete", { nowMs: t });
        const dirs = runDirs(path.join(data, "runs"), "hello.git", run.id);
        mkdirSync(dirs.runDir, { recursive: true });
        writeFileSync(dirs.logFile, "y".repeat(1000 + daysAgo));
        ids.push(run.id);
      }
    } finally {
      db.close();
    }
    const dry = quire(data, ["ci", "prune", "--dry-run"]);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^${ids[0]!.slice(0, 12)}  hello\\.git  refs/heads/main  complete  .*  1\\.2 KiB  finished 200 days ago \\(keep-days 90\\)\\n`));
    expect(dry.stdout).toMatch(/would prune 2 run\(s\), freeing 2\.3 KiB\n$/);
    const json = quire(data, ["ci", "prune", "--json"]);
    expect(json.status, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { dry_run: boolean; runs: { id: string; bytes: number; reason: string }[]; bytes: number };
    expect(report.dry_run).toBe(false);
    expect(report.runs.map((r) => r.id)).toEqual([ids[0], ids[1]]);
    expect(report.bytes).toBe(1200 + 1150);
    expect(existsSync(runDirs(path.join(data, "runs"), "hello.git", ids[0]!).runDir)).toBe(false);
    expect(existsSync(runDirs(path.join(data, "runs"), "hello.git", ids[2]!).runDir)).toBe(true);
    const runs = JSON.parse(quire(data, ["ci", "runs", "hello", "--json"]).stdout) as { id: string }[];
    expect(runs.map((r) => r.id)).toEqual([ids[2]]);
    expect(JSON.parse(quire(data, ["ci", "prune", "--json"]).stdout)).toEqual({ dry_run: false, runs: [], bytes: 0 });
  });
});
