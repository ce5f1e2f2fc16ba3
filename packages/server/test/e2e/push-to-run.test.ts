// Push → run, end to end: a real `quire serve`, repositories made by
// `quire repo new`, real git pushes (local path and through `quire exec` as
// sshd runs it), the real quire-ci, and the run's rows and logs checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { shellQuote } from "../../src/git/hooks.js";
import { commitFiles, git, gitAsync, quire, quireBin, tempDir, workTree } from "../git/git-helpers.js";
import { pipeline, queuedRuns, RunWatcher, startServe, type Serve } from "./harness.js";

const SECRET = "s3cret-value-for-tests";
const FILE_SECRET = "file-secret-0123456789";

let data: string;
let serve: Serve;
let runs: RunWatcher;
const cleanup: string[] = [];

async function newRepo(name: string): Promise<string> {
  const r = quire(data, ["repo", "new", name]);
  expect(r.status, r.stderr).toBe(0);
  const work = await workTree(path.join(data, "repos", `${name}.git`));
  cleanup.push(work);
  return work;
}

const ECHO = pipeline(`(ci.job :hello [:quire/push]
  (fn [{: sh : jobs}]
    (let [push (jobs :quire/push)]
      (sh ["echo" (.. "hello from " push.branch)]))))`);

beforeAll(async () => {
  data = await tempDir("quire-e2e-");
  cleanup.push(data);
  await writeFile(path.join(data, "token.txt"), `${FILE_SECRET}\n`);
  serve = await startServe(data, `{:secrets {:deploy-token "${SECRET}" :file-token {:file "token.txt"}}}\n`);
  runs = new RunWatcher(data);
});
afterAll(async () => {
  runs?.close();
  await serve?.stop();
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

describe("push → run", () => {
  it("a push over a local path runs the pipeline: pending → active → complete, with jobs, sh rows and logs", async () => {
    const work = await newRepo("local");
    const sha = await commitFiles(work, { ".quire/ci.fnl": ECHO }, "add pipeline");
    const push = await gitAsync(work, ["push", "origin", "main"]);
    expect(push.status, push.stderr).toBe(0);
    const id = queuedRuns(push.stderr).get("refs/heads/main");
    expect(id, push.stderr).toBeDefined();
    expect(push.stderr).toMatch(new RegExp(`remote: quire: run ${id} queued for refs/heads/main: ${serve.url}/local/runs/${id}`));
    const { run, seen } = await runs.settle(id!);
    expect(run.state, `${run.error}\n${serve.output()}`).toBe("complete");
    expect(run.sha).toBe(sha);
    expect(run.startedAtMs).toBeGreaterThanOrEqual(run.queuedAtMs);
    expect(run.finishedAtMs).toBeGreaterThanOrEqual(run.startedAtMs!);
    // Polling may miss the short-lived states, never their order.
    expect(["pending", "active", "complete"].filter((s) => seen.includes(s))).toEqual(seen);
    expect(seen).toContain("active");
    expect(runs.jobs(id!).map((j) => [j.jobId, j.state])).toEqual([["hello", "complete"]]);
    const sh = runs.sh(id!);
    expect(sh).toHaveLength(1);
    expect(sh[0]).toMatchObject({ jobId: "hello", n: 1, exitCode: 0 });
    expect(sh[0]!.cmd).toContain("hello from main");

    const show = quire(data, ["ci", "show", id!, "--json"]);
    expect(show.status, show.stderr).toBe(0);
    const detail = JSON.parse(show.stdout) as {
      run: { state: string; push: { branch: string; files_changed: string[] } };
      sh: { log: string }[];
      logs: { events: string; quire_ci: string };
    };
    expect(detail.run.state).toBe("complete");
    expect(detail.run.push.branch).toBe("main");
    expect(detail.run.push.files_changed).toEqual([".quire/ci.fnl"]);
    expect(await readFile(detail.sh[0]!.log, "utf8")).toContain("hello from main");
    expect(existsSync(detail.logs.events)).toBe(true);
    expect(existsSync(path.join(data, "runs", "local.git", id!, "workspace"))).toBe(false);

    const text = quire(data, ["ci", "show", id!]).stdout;
    expect(text).toMatch(new RegExp(`^run ${id}  complete`));
    expect(text).toMatch(/job hello  complete/);
    expect(text).toMatch(/sh 1  exit 0 .*hello from main/);
    expect(quire(data, ["ci", "runs", "local"]).stdout).toMatch(new RegExp(`${id}  complete  local\\.git  main`));
  });

  it("a push through `quire exec`, as sshd's ForceCommand runs it, starts a run", async () => {
    const name = "viassh";
    quire(data, ["repo", "new", name]);
    const fakeSsh = path.join(data, "fake-ssh");
    await writeFile(
      fakeSsh,
      `#!/bin/sh\nfor last; do :; done\nexec ${shellQuote(process.execPath)} ${shellQuote(quireBin)} --data-dir ${shellQuote(data)} exec "$last"\n`,
    );
    await chmod(fakeSsh, 0o755);
    const work = await workTree(`git@forge:${name}.git`);
    await commitFiles(work, { ".quire/ci.fnl": ECHO }, "over ssh");
    const push = await gitAsync(work, ["push", "origin", "main"], { GIT_SSH_COMMAND: fakeSsh, GIT_SSH_VARIANT: "simple" });
    expect(push.status, push.stderr).toBe(0);
    const id = queuedRuns(push.stderr).get("refs/heads/main")!;
    expect(id, push.stderr).toBeDefined();
    const { run } = await runs.settle(id);
    expect(run.state, run.error ?? "").toBe("complete");
    expect(run.repo).toBe("viassh.git");
  });

  it("a failing pipeline ends failed/pipeline-failure and skips dependents", async () => {
    const work = await newRepo("failing");
    await commitFiles(
      work,
      {
        ".quire/ci.fnl": pipeline(`(ci.job :test [:quire/push] (fn [{: sh}] (sh ["sh" "-c" "echo boom; exit 3"])))
(ci.job :deploy [:test] (fn [{: sh}] (sh ["echo" "never"])))`),
      },
      "failing pipeline",
    );
    const push = await gitAsync(work, ["push", "origin", "main"]);
    const id = queuedRuns(push.stderr).get("refs/heads/main")!;
    const { run } = await runs.settle(id);
    expect(`${run.state}/${run.failureKind}`).toBe("failed/pipeline-failure");
    const jobs = Object.fromEntries(runs.jobs(id).map((j) => [j.jobId, j.state]));
    expect(jobs).toEqual({ test: "failed", deploy: "skipped" });
    expect(runs.sh(id)).toMatchObject([{ jobId: "test", n: 1, exitCode: 3 }]);
  });

  it("two quick pushes to one ref: the second supersedes the first; a push to another ref does not", async () => {
    const work = await newRepo("busy");
    const slow = pipeline(`(ci.job :wait [:quire/push] (fn [{: sh}] (sh ["sleep" "1"])))`);
    await commitFiles(work, { ".quire/ci.fnl": slow }, "one");
    const p1 = await gitAsync(work, ["push", "origin", "main"]);
    const first = queuedRuns(p1.stderr).get("refs/heads/main")!;
    await runs.until(first, (r) => r.state === "active");
    await commitFiles(work, { "x.txt": "x" }, "two");
    const p2 = await gitAsync(work, ["push", "origin", "main", "main:other"]);
    const second = queuedRuns(p2.stderr).get("refs/heads/main")!;
    const other = queuedRuns(p2.stderr).get("refs/heads/other")!;
    // The pusher is told, with how long the superseded run had been going.
    expect(p2.stderr).toMatch(new RegExp(`remote: quire: superseded run ${first} \\(active since \\d+s\\) *\n`));
    expect(second).toBeDefined();
    expect(other).toBeDefined();
    const a = await runs.settle(first);
    expect(a.run.state).toBe("superseded");
    expect(a.run.supersededBy).toBe(second);
    const b = await runs.settle(second);
    expect(b.run.state).toBe("complete");
    const c = await runs.settle(other);
    expect(c.run.state).toBe("complete");
    expect(c.run.supersededBy).toBeNull();
  });

  it("a tag push runs with the tag's outputs; a branch deletion starts no run", async () => {
    const work = await newRepo("tags");
    await commitFiles(
      work,
      { ".quire/ci.fnl": pipeline(`(ci.job :t [:quire/push] (fn [{: sh : jobs}] (sh ["echo" (.. "tag=" (tostring (. (jobs :quire/push) :tag)))])))`) },
      "pipeline",
    );
    const p0 = await gitAsync(work, ["push", "origin", "main", "main:doomed"]);
    for (const id of queuedRuns(p0.stderr).values()) await runs.settle(id);
    git(work, ["tag", "v1.2"]);
    const p1 = await gitAsync(work, ["push", "origin", "v1.2", ":doomed"]);
    expect(p1.status, p1.stderr).toBe(0);
    const queued = queuedRuns(p1.stderr);
    expect([...queued.keys()]).toEqual(["refs/tags/v1.2"]);
    expect(p1.stderr).toContain("quire: no run for refs/heads/doomed: the ref was deleted");
    const { run } = await runs.settle(queued.get("refs/tags/v1.2")!);
    expect(run.state, run.error ?? "").toBe("complete");
    expect(runs.sh(run.id)[0]!.cmd).toContain("tag=v1.2");
  });

  it("secrets from config.fnl reach (secret …) and are redacted from sh rows and logs", async () => {
    const work = await newRepo("secrets");
    await commitFiles(
      work,
      {
        ".quire/ci.fnl": pipeline(`(ci.job :s [:quire/push]
  (fn [{: sh : secret}]
    (sh ["echo" (secret :deploy-token)])
    (sh ["echo" (secret :file-token)])))`),
      },
      "secrets",
    );
    const push = await gitAsync(work, ["push", "origin", "main"]);
    const id = queuedRuns(push.stderr).get("refs/heads/main")!;
    const { run } = await runs.settle(id);
    expect(run.state, run.error ?? "").toBe("complete");
    const sh = runs.sh(id);
    expect(sh.map((s) => s.cmd).join("\n")).toContain("{{ deploy-token }}");
    expect(sh.map((s) => s.cmd).join("\n")).toContain("{{ file-token }}");
    const detail = JSON.parse(quire(data, ["ci", "show", id, "--json"]).stdout) as { sh: { log: string }[]; logs: { events: string } };
    const everything = [
      ...(await Promise.all(detail.sh.map((s) => readFile(s.log, "utf8")))),
      await readFile(detail.logs.events, "utf8"),
      sh.map((s) => s.cmd).join("\n"),
    ].join("\n");
    expect(everything).toContain("{{ deploy-token }}");
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(FILE_SECRET);
  });
});

describe("a second quire serve on the same data directory", () => {
  it("refuses to start and leaves the running server's active run alone", async () => {
    const work = await newRepo("twice");
    await commitFiles(work, { ".quire/ci.fnl": pipeline(`(ci.job :wait [:quire/push] (fn [{: sh}] (sh ["sleep" "1"])))`) }, "slow");
    const push = await gitAsync(work, ["push", "origin", "main"]);
    const id = queuedRuns(push.stderr).get("refs/heads/main")!;
    await runs.until(id, (r) => r.state === "active");
    await expect(startServe(data)).rejects.toThrow(/quire serve exited 1:[\s\S]*another quire serve is running on .*; stop it first/);
    const { run } = await runs.settle(id);
    expect(run.state, run.error ?? "").toBe("complete");
  });
});

describe("quire ci", () => {
  it("cancel stops an active run and its processes; retry queues the same sha again", async () => {
    const work = await newRepo("ctl");
    const sha = await commitFiles(
      work,
      { ".quire/ci.fnl": pipeline(`(ci.job :slow [:quire/push] (fn [{: sh}] (sh ["sh" "-c" "echo $$ > /dev/null; sleep 30"])))`) },
      "slow",
    );
    const push = await gitAsync(work, ["push", "origin", "main"]);
    const id = queuedRuns(push.stderr).get("refs/heads/main")!;
    await runs.until(id, (r) => r.state === "active" && runs.sh(id).length > 0);
    const pid = runs.get(id).pid;
    expect(pid).toBeGreaterThan(1);

    const started = Date.now();
    const cancel = quire(data, ["ci", "cancel", id.slice(0, 6)]);
    expect(cancel.status, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(new RegExp(`^cancelled run ${id} \\(active since \\d+s\\)\n$`));
    expect(Date.now() - started).toBeLessThan(10_000);
    const { run } = await runs.settle(id);
    expect(`${run.state}/${run.failureKind}`).toBe("failed/cancelled");
    // Shown as cancelled, and nothing under it looks alive.
    const show = quire(data, ["ci", "show", id]).stdout;
    expect(show).toMatch(new RegExp(`^run ${id} {2}cancelled\n`));
    expect(show).toMatch(/\njob slow {2}aborted {2}.*the run ended \(cancelled\) while the job was running\n {2}sh 1 {2}aborted {2}\d/);
    expect(show).not.toMatch(/ {2}running {2}|…/);
    expect(quire(data, ["ci", "runs", "ctl"]).stdout.split("\n")[1]).toMatch(new RegExp(`^${id} +cancelled +ctl\.git `));
    // The group is gone once the server has reaped its child (a zombie still answers signal 0).
    const groupGone = async () => {
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(-pid!, 0);
        } catch {
          return true;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    };
    expect(await groupGone()).toBe(true);
    expect(quire(data, ["ci", "cancel", id]).stdout).toBe(`run ${id} already finished: cancelled\n`);

    const retry = quire(data, ["ci", "retry", id]);
    expect(retry.status, retry.stderr).toBe(0);
    const again = /^run (\S+) queued for refs\/heads\/main at (\S+) \(retry of (\S+)\)/.exec(retry.stdout);
    expect(again, retry.stdout).not.toBeNull();
    expect(sha.startsWith(again![2]!)).toBe(true);
    expect(again![3]).toBe(id);
    await runs.until(again![1]!, (r) => r.state === "active");
    expect(quire(data, ["ci", "cancel", again![1]!]).status).toBe(0);
    expect((await runs.settle(again![1]!)).run.failureKind).toBe("cancelled");
  });

  it("runs lists newest first as text and JSON; unknown runs and repos are clear errors", () => {
    const json = JSON.parse(quire(data, ["ci", "runs", "--json", "--limit", "2"]).stdout) as { id: string; queued_at_ms: number }[];
    expect(json.length).toBe(2);
    expect(json[0]!.queued_at_ms).toBeGreaterThanOrEqual(json[1]!.queued_at_ms);
    const text = quire(data, ["ci", "runs"]).stdout;
    expect(text.split("\n")[0]).toMatch(/^RUN\s+STATE\s+REPO\s+REF\s+SHA\s+QUEUED\s+TOOK$/);
    const missing = quire(data, ["ci", "show", "ffffffffffff"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no run with id "ffffffffffff"/);
    const badRepo = quire(data, ["ci", "runs", "../x"]);
    expect(badRepo.status).toBe(1);
    expect(badRepo.stderr).toMatch(/invalid repository name/);
    expect(quire(data, ["ci", "frob"]).stderr).toMatch(/unknown command "quire ci frob"/);
  });
});

describe("pipelines in upstream quire's shapes", () => {
  it("a pipeline that registers no jobs is a complete run with the note; pushed-at reaches the pipeline", async () => {
    const work = await newRepo("upstream-shapes");
    await commitFiles(work, { ".quire/ci.fnl": "(local {: job} (require :quire.ci))\n\n; (job :test [:quire/push] (fn [{: sh}] (sh [:make :test])))\n" }, "no jobs");
    const before = Date.now();
    const push = await gitAsync(work, ["push", "origin", "main"]);
    const id = queuedRuns(push.stderr).get("refs/heads/main")!;
    expect((await runs.settle(id)).run.state).toBe("complete");
    const show = quire(data, ["ci", "show", id]);
    expect(show.stdout).toMatch(/\nno jobs registered\n/);

    await commitFiles(work, { ".quire/ci.fnl": pipeline(`(ci.job :stamp [:quire/push] (fn [{: jobs : sh}] (sh ["echo" (. (jobs :quire/push) :pushed-at)])))`) }, "stamp");
    const again = await gitAsync(work, ["push", "origin", "main"]);
    const next = queuedRuns(again.stderr).get("refs/heads/main")!;
    expect((await runs.settle(next)).run.state).toBe("complete");
    const stamp = runs.sh(next)[0]!.cmd.replace(/^echo /, "");
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    expect(Date.parse(stamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(stamp)).toBeLessThanOrEqual(Date.now());
  });
});

describe("push while the server is down", () => {
  it("warns, loses nothing, and the run happens when the server starts", async () => {
    const down = await tempDir("quire-e2e-down-");
    cleanup.push(down);
    expect(quire(down, ["repo", "new", "later"]).status).toBe(0);
    const work = await workTree(path.join(down, "repos", "later.git"));
    cleanup.push(work);
    const sha = await commitFiles(work, { ".quire/ci.fnl": ECHO }, "while down");
    const push = await gitAsync(work, ["push", "origin", "main"]);
    expect(push.status).toBe(0);
    expect(push.stderr).toMatch(/quire: warning: the server is not answering/);
    expect(git(path.join(down, "repos", "later.git"), ["rev-parse", "main"]).trim()).toBe(sha);

    const server = await startServe(down);
    const watcher = new RunWatcher(down);
    try {
      const list = async () => {
        for (let i = 0; i < 200; i++) {
          const rows = JSON.parse(quire(down, ["ci", "runs", "--json"]).stdout) as { id: string; sha: string }[];
          if (rows.length > 0) return rows;
          await new Promise((r) => setTimeout(r, 50));
        }
        return [];
      };
      const rows = await list();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.sha).toBe(sha);
      const { run } = await watcher.settle(rows[0]!.id);
      expect(run.state, run.error ?? "").toBe("complete");
    } finally {
      watcher.close();
      await server.stop();
    }
    // With the server down, retry still queues and cancel works on the database alone.
    const id = (JSON.parse(quire(down, ["ci", "runs", "--json"]).stdout) as { id: string }[])[0]!.id;
    const retry = quire(down, ["ci", "retry", id]);
    expect(retry.stderr).toMatch(/the server is not running; the run starts when `quire serve` does/);
    const pending = /^run (\S+) queued/.exec(retry.stdout)![1]!;
    const cancel = quire(down, ["ci", "cancel", pending]);
    expect(cancel.status, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(new RegExp(`^cancelled run ${pending} \\(pending since \\d+s\\)\n$`));
  });
});

describe("quire serve and config.fnl", () => {
  it("refuses a malformed config.fnl with file:line:col and warns about unknown keys by name", async () => {
    const dir = await tempDir("quire-e2e-config-");
    cleanup.push(dir);
    await expect(startServe(dir, `{:port 3000\n :bind }\n`)).rejects.toThrow(/quire serve exited 1:[\s\S]*config\.fnl:2:\d+: /);
    await writeFile(path.join(dir, "config.fnl"), `{:port "x"}\n`);
    await expect(startServe(dir)).rejects.toThrow(/config\.fnl:1:1: :port must be a whole number 0–65535, got string "x"/);
    const server = await startServe(dir, `{:colour "blue" :max-concurrent-runs 2}\n`);
    try {
      expect(server.output()).toMatch(/quire: warning: .*config\.fnl:1:1: unknown key :colour is ignored/);
    } finally {
      await server.stop();
    }
  });
});
