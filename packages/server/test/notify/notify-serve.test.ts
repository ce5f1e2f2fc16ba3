// Notifications through a real `quire serve` and the real quire-ci: a failing
// run and the run that fixes it reach a real SMTP server on loopback and a
// webhook server that checks the signature; a sendmail stand-in records its
// stdin; a dead SMTP server leaves the run untouched and the failure logged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chmod, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { runNotifications } from "../../src/notify/outbox.js";
import { commitFiles, gitAsync, quire, tempDir, workTree } from "../git/git-helpers.js";
import { pipeline, queuedRuns, RunWatcher, startServe, type Serve } from "../e2e/harness.js";
import { deadPort, waitFor } from "../helpers.js";
import { startSmtpPeer, startWebhookPeer, type SmtpPeer, type WebhookPeer } from "./loopback-peers.js";

/** Notifications arrive in their own time: wait for them (30 s at most). */
const eventually = <T>(what: string, check: () => T | undefined | false) => waitFor(check, what, 30_000);

const LEAKED = "s3cr3t-deploy-value";
const FAILING = pipeline(`(ci.job :test [:quire/push]
  (fn [{: sh}]
    (sh "echo setting up")
    (sh "for i in $(seq 1 30); do echo \\"line $i\\"; done; echo \\"token is ${LEAKED}\\"; exit 3")))`);
const PASSING = pipeline(`(ci.job :test [:quire/push] (fn [{: sh}] (sh "echo all good")))`);

const cleanup: string[] = [];
afterAll(async () => {
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

/** A data dir with repo `app`, a work tree for it, and a running server with `config`. */
async function forge(config: string): Promise<{ data: string; work: string; serve: Serve; runs: RunWatcher }> {
  const data = await tempDir("quire-notify-");
  cleanup.push(data);
  expect(quire(data, ["repo", "new", "app"]).status).toBe(0);
  const work = await workTree(path.join(data, "repos", "app.git"));
  cleanup.push(work);
  const serve = await startServe(data, config);
  return { data, work, serve, runs: new RunWatcher(data) };
}

async function pushRun(f: { work: string; runs: RunWatcher; serve: Serve }, ci: string, message: string) {
  await commitFiles(f.work, { ".quire/ci.fnl": ci, "CHANGE": `${message}\n` }, message);
  const push = await gitAsync(f.work, ["push", "origin", "main"]);
  expect(push.status, push.stderr).toBe(0);
  const id = queuedRuns(push.stderr).get("refs/heads/main")!;
  expect(id, push.stderr).toBeDefined();
  return (await f.runs.settle(id, 60_000)).run;
}

describe("mail through SMTP and a signed webhook", () => {
  let smtp: SmtpPeer;
  let hook: WebhookPeer;
  let f: Awaited<ReturnType<typeof forge>>;
  beforeAll(async () => {
    smtp = await startSmtpPeer("quire", "mail-pass-123");
    hook = await startWebhookPeer("hook-key-abcdef");
    f = await forge(`{:secrets {:mail-pw "mail-pass-123" :hook-key "hook-key-abcdef" :deploy "${LEAKED}"}
 :smtp {:host "127.0.0.1" :port ${smtp.port} :user "quire" :password :mail-pw :from "quire@example.org"}
 :notifications {:to ["ops@example.org" "dev@example.org"] :webhook {:url "${hook.url}" :secret :hook-key}}
 :retry-delays [0.2 0.2]}
`);
  });
  afterAll(async () => {
    f.runs.close();
    await f.serve.stop();
    await smtp.close();
    await hook.close();
  });

  it("a failed run sends ci-failed: the run URL, the failing job, the last 20 log lines, redacted", async () => {
    const run = await pushRun(f, FAILING, "break it");
    expect(run.state).toBe("failed");
    const mail = await eventually("the ci-failed mail", () => smtp.mails[0]);
    expect(mail.subject).toBe(`[quire] app.git main: run failed (pipeline-failure) at ${run.sha.slice(0, 12)}`);
    expect(mail.from?.text).toBe("quire@example.org");
    expect(smtp.recipients[0]).toEqual(["ops@example.org", "dev@example.org"]);
    expect(mail.headers.get("x-quire-event")).toBe("ci-failed");
    expect(mail.html).toBe(false); // plain text only
    const text = mail.text!;
    expect(text).toContain(`${f.serve.url}/app/runs/${run.id}`);
    expect(text).toMatch(/Failing job: test/);
    expect(text).toContain("Last 20 log lines (jobs/test/sh-2.log):");
    const shown = text.split("\n").filter((l) => /^ {2}line \d+$/.test(l));
    expect(shown.map((l) => l.trim())).toEqual(Array.from({ length: 19 }, (_, i) => `line ${i + 12}`));
    expect(text).toContain("  token is {{ deploy }}");
    expect(text).not.toContain(LEAKED);

    const delivery = await eventually("the ci-failed webhook", () => hook.received[0]);
    expect(delivery.signed).toBe(true);
    expect(delivery.headers["x-quire-event"]).toBe("ci-failed");
    expect(delivery.body).toMatchObject({
      event: "ci-failed",
      repo: "app.git",
      ref: "refs/heads/main",
      sha: run.sha,
      run: { id: run.id, state: "failed", failure_kind: "pipeline-failure", url: `${f.serve.url}/app/runs/${run.id}` },
      failing_job: { id: "test" },
      log_file: "jobs/test/sh-2.log",
      previous_run_id: null,
    });
    const tail = (delivery.body as { log_tail: string[] }).log_tail;
    expect(tail).toHaveLength(20);
    expect(tail[19]).toBe("token is {{ deploy }}");
    expect(JSON.stringify(delivery.body)).not.toContain(LEAKED);
  });

  it("the first success after it sends ci-fixed; the next success sends nothing", async () => {
    const failed = (await f.runs.db.sqlite.prepare("SELECT id FROM runs WHERE state = 'failed'").get()) as { id: string };
    const fixed = await pushRun(f, PASSING, "fix it");
    expect(fixed.state).toBe("complete");
    const mail = await eventually("the ci-fixed mail", () => smtp.mails[1]);
    expect(mail.subject).toBe(`[quire] app.git main: fixed at ${fixed.sha.slice(0, 12)}`);
    expect(mail.text).toContain(`succeeded after run ${failed.id} failed`);
    const delivery = await eventually("the ci-fixed webhook", () => hook.received[1]);
    expect(delivery).toMatchObject({ signed: true, body: { event: "ci-fixed", previous_run_id: failed.id, failing_job: null, log_tail: [] } });

    const quiet = await pushRun(f, PASSING, "still fine");
    expect(quiet.state).toBe("complete");
    const broken = await pushRun(f, FAILING, "break it again");
    await eventually("the second ci-failed mail", () => smtp.mails[2]);
    expect(smtp.mails.map((m) => m.headers.get("x-quire-event"))).toEqual(["ci-failed", "ci-fixed", "ci-failed"]);
    expect(smtp.mails[2]!.text).toContain(broken.id);
    expect(runNotifications(f.runs.db, quiet.id)).toEqual([]);
  });
});

describe("mail through a sendmail stand-in", () => {
  it("pipes the message to the command's stdin, with the recipients in the headers for -t", async () => {
    const dir = await tempDir("quire-sendmail-");
    cleanup.push(dir);
    const script = path.join(dir, "sendmail");
    await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args-$$"\ncat > "${dir}/mail-$$.eml"\n`);
    await chmod(script, 0o755);
    const f = await forge(`{:sendmail "${script} -t -i" :notifications {:to ["me@example.org"] :from "ci@example.org"}}\n`);
    try {
      const run = await pushRun(f, FAILING, "break it");
      let names: string[] = [];
      await eventually("a recorded mail", () => names.length > 0 || void readdir(dir).then((all) => (names = all.filter((n) => n.endsWith(".eml")))));
      expect(names).toHaveLength(1);
      const raw = await readFile(path.join(dir, names[0]!), "utf8");
      const mail = await simpleParser(raw);
      expect(mail.from?.text).toBe("ci@example.org");
      expect(mail.headers.get("to")).toMatchObject({ text: "me@example.org" });
      expect(mail.subject).toBe(`[quire] app.git main: run failed (pipeline-failure) at ${run.sha.slice(0, 12)}`);
      expect(mail.text).toContain(`/app/runs/${run.id}`);
      expect(mail.text).toContain("Failing job: test");
      const args = await readFile(path.join(dir, names[0]!.replace(/^mail-(\d+)\.eml$/, "args-$1")), "utf8");
      expect(args).toBe("-t\n-i\n");
      await eventually("the server log", () => f.serve.output().match(/notify run \S+ ci-failed by email to me@example\.org: sent/));
    } finally {
      f.runs.close();
      await f.serve.stop();
    }
  });
});

describe("a dead SMTP server", () => {
  it("leaves the run untouched and logs each failed attempt until it gives up", async () => {
    const port = await deadPort();
    const f = await forge(`{:smtp {:host "127.0.0.1" :port ${port}} :notifications {:to ["me@example.org"]} :retry-delays [0.1 0.1]}\n`);
    try {
      const run = await pushRun(f, FAILING, "break it");
      const rows = await eventually("the notification to be given up", () => {
        const r = runNotifications(f.runs.db, run.id);
        return r[0]?.state === "failed" ? r : undefined;
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ channel: "email", attempts: 3, sentAtMs: null, nextAttemptAtMs: null });
      expect(rows[0]!.lastError).toMatch(/ECONNREFUSED/);
      // The run is exactly as it ended.
      expect(f.runs.get(run.id)).toEqual(run);
      // The server's log arrives through a pipe: wait for its last line.
      await eventually("the last log line", () => /failed \(attempt 3\): .*; given up/.test(f.serve.output()));
      expect(f.serve.output()).toMatch(/notify run \S+ ci-failed by email to me@example\.org: failed \(attempt 1\): .*ECONNREFUSED.*; retry in 0\.1 s/);
    } finally {
      f.runs.close();
      await f.serve.stop();
    }
  });
});

describe("the log a failure shows", () => {
  it("is the failing job's last sh, never an earlier sh's output when the last one was quiet", async () => {
    const hook = await startWebhookPeer("hook-key-abcdef");
    const f = await forge(`{:secrets {:hook-key "hook-key-abcdef"} :notifications {:webhook {:url "${hook.url}" :secret :hook-key}}}\n`);
    try {
      // sh 1 talks, sh 2 is quiet (and leaves no log file), then the job fails in Lua.
      const quietThenError = pipeline(`(ci.job :test [:quire/push]
  (fn [{: sh}]
    (sh "echo output of the first sh")
    (sh "true")
    (error "broke after the quiet sh")))`);
      const run = await pushRun(f, quietThenError, "break it after a quiet sh");
      expect(run.state).toBe("failed");
      const delivery = await eventually("the ci-failed webhook", () => hook.received[0]);
      const body = delivery.body as { log_file: string; log_tail: string[]; failing_job: { id: string; error: string } };
      expect(body.failing_job.id).toBe("test");
      expect(body.failing_job.error).toContain("broke after the quiet sh");
      expect(body.log_file).not.toBe("jobs/test/sh-1.log");
      expect(body.log_tail).not.toContain("output of the first sh");

      // A quiet sh that fails shows its own (empty but present) log, not sh 1's.
      const failingQuietSh = pipeline(`(ci.job :test [:quire/push]
  (fn [{: sh}]
    (sh "echo output of the first sh")
    (sh "exit 4")))`);
      const second = await pushRun(f, failingQuietSh, "a quiet sh fails");
      expect(second.state).toBe("failed");
      const next = await eventually("the second ci-failed webhook", () => hook.received[1]);
      expect((next.body as { log_file: string }).log_file).toBe("jobs/test/sh-2.log");
      expect((next.body as { log_tail: string[] }).log_tail).not.toContain("output of the first sh");
    } finally {
      f.runs.close();
      await f.serve.stop();
      await hook.close();
    }
  });
});
